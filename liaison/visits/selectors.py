"""Reads of visits: a card's visits, one visit, visits outside hours and open follow-ups."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import Station, User
from liaison.cards.models import (
    LiaisonCard,
)
from liaison.cards.selectors import card_list
from liaison.visits.models import Visit


def card_visit_list(*, card: LiaisonCard, limit: int | None = None) -> list[Visit]:
    visits = Visit.objects.filter(card=card).select_related("officer", "follow_up_done_by")
    return list(visits[:limit] if limit else visits)


def visit_get(*, user: User, pk: int) -> Visit:
    """A visit is seen by whoever sees its card."""
    visit = (
        Visit.objects.select_related(
            "card", "officer", "night_request", "follow_up_done_by", "hours_acknowledged_by"
        )
        .filter(pk=pk, card__in=card_list(user=user))
        .first()
    )
    if visit is None:
        raise OutOfScope("liaison.visit", str(pk))
    return visit


# A visit outside the hours by its acknowledgement: the home panel and the list's filter
# (visits.filters.HoursFilterSet) both read it here.
HOURS_STATES = {
    "waiting": Q(hours_acknowledged_at__isnull=True),
    "done": Q(hours_acknowledged_at__isnull=False),
    "all": Q(),
}


def visit_hours_list(*, user: User, state: str = "waiting") -> QuerySet[Visit]:
    """Visits outside the hours (要領 第5-3) in the stations where the user approves night
    visits: waiting for acknowledgement ("waiting"), acknowledged ("done") or both ("all");
    those waiting first, the newest first."""
    visits = Visit.objects.filter(
        station__in=permissions.stations_for(user, "approve_night_visits").values("pk"),
        outside_hours=True,
    ).filter(HOURS_STATES.get(state, Q()))
    return visits.select_related(
        "card", "officer", "book__beat__post", "night_request", "hours_acknowledged_by"
    ).order_by(F("hours_acknowledged_at").asc(nulls_first=True), "-started_at", "-pk")


def visit_hours_get(*, user: User, pk: int) -> Visit:
    visit = visit_hours_list(user=user, state="all").filter(pk=pk).first()
    if visit is None:
        raise OutOfScope("liaison.visit", str(pk))
    return visit


def follow_up_open_list(*, user: User) -> QuerySet[Visit]:
    """Open follow-ups of the books the user may see."""
    return (
        Visit.objects.filter(
            book__in=permissions.beats_for(user).values("pk"), follow_up_done_at__isnull=True
        )
        .exclude(follow_up_department="")
        .select_related("card", "officer", "book__beat")
        .order_by("started_at", "pk")
    )


def _reviewed_with_cards(user: User) -> QuerySet[Station]:
    """Stations whose progress the user reviews and whose cards he reads: the 地域課長等, the
    署長 and the 統括管理責任者, not the 地域部長, who reviews the figures only."""
    return permissions.stations_for(user, "review_progress").filter(
        pk__in=permissions.beats_for(user).values("post__station_id")
    )


def _remit_officers(user: User, *, current: bool) -> QuerySet:
    """Officer ids assigned (now, or ever) to a beat within the user's remit: a 地域課長等
    of one 地域課 answers for his posts' officers only (要領 第3-2(4)); the 署長 and HQ for
    every officer of their stations."""
    from accounts.models import BeatAssignment

    assignments = BeatAssignment.objects.filter(
        beat__in=permissions.beats_for(user).values("pk"), granted_at__isnull=False
    )
    if current:
        assignments = assignments.filter(revoked_at__isnull=True)
    return assignments.values("officer_id")
