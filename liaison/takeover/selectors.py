"""Reads for 受持区の引継ぎ: what a new beat officer takes over, and the assignments to confirm."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import BeatAssignment, Post, User
from liaison.cards.models import LiaisonCard
from liaison.planning.selectors import card_due_count, due_card_list, station_due_rule_get
from liaison.progress.selectors import Progress, _progress
from liaison.takeover.models import Takeover
from liaison.visits.models import Visit
from liaison.visits.selectors import _reviewed_with_cards


@dataclass
class TakeoverSummary:
    assignment: BeatAssignment
    predecessor: User | None
    predecessor_until: dt.date | None
    progress: Progress
    overdue: list[LiaisonCard] = field(default_factory=list)
    follow_ups: list[Visit] = field(default_factory=list)
    notes: list[Visit] = field(default_factory=list)
    confirmation: Takeover | None = None


TAKEOVER_LIST_LIMIT = 50


def takeover_summary_get(
    *, assignment: BeatAssignment, today: dt.date | None = None
) -> TakeoverSummary:
    """What the predecessor on this beat did (要領 第5-5): the beat's coverage and overdue
    cards now, its open follow-ups, and the concerns heard on his last visits."""
    from accounts.models import BeatAssignment

    today = today or timezone.localdate()
    beat = assignment.beat
    previous = (
        BeatAssignment.objects.filter(beat=beat, starts_on__lte=assignment.starts_on)
        .exclude(pk=assignment.pk)
        .exclude(officer_id=assignment.officer_id)
        .select_related("officer")
        .order_by("-starts_on", "-pk")
        .first()
    )
    rule = station_due_rule_get(station=beat.post.station, today=today)
    cards = LiaisonCard.objects.filter(book_id=beat.pk)
    figures = card_due_count(cards=cards, rule=rule)
    visits = Visit.objects.filter(book_id=beat.pk)
    progress = _progress(figures, {"follow_ups_open": 0})
    open_follow_ups = list(
        visits.filter(follow_up_done_at__isnull=True)
        .exclude(follow_up_department="")
        .select_related("card", "officer")
        .order_by("started_at")[:TAKEOVER_LIST_LIMIT]
    )
    progress.follow_ups_open = (
        visits.filter(follow_up_done_at__isnull=True).exclude(follow_up_department="").count()
    )
    notes = []
    if previous is not None:
        notes = list(
            visits.filter(officer_id=previous.officer_id)
            .exclude(concerns="")
            .select_related("card")
            .order_by("-started_at")[:TAKEOVER_LIST_LIMIT]
        )
    overdue = list(
        due_card_list(cards=cards, rule=rule, overdue_only=True).order_by(
            F("last_visit_on").asc(nulls_first=True), "address_key", "pk"
        )[:TAKEOVER_LIST_LIMIT]
    )
    return TakeoverSummary(
        assignment=assignment,
        predecessor=previous.officer if previous else None,
        predecessor_until=previous.ends_on if previous else None,
        progress=progress,
        overdue=overdue,
        follow_ups=open_follow_ups,
        notes=notes,
        confirmation=Takeover.objects.filter(assignment=assignment).first(),
    )


def takeover_assignment_get(*, user: User, pk: int) -> BeatAssignment:
    """A beat assignment whose takeover the user may read, else a 404: a current one (granted,
    not ended), and either his own on a beat he still holds, or one of a beat he supervises or
    reviews and whose cards he reads (its post's 取扱責任者, the station's 地域課長等・署長, not
    the 地域部長). An ended assignment opens nothing: the page lists the beat's residents."""
    from accounts.models import BeatAssignment

    assignment = (
        BeatAssignment.objects.select_related("beat__post__station", "officer")
        .filter(pk=pk, granted_at__isnull=False, revoked_at__isnull=True)
        .first()
    )
    if assignment is None:
        raise OutOfScope("accounts.beatassignment", str(pk))
    beat = assignment.beat
    own = assignment.officer_id == user.pk and permissions.has_perm(user, "record_visits", beat)
    # A reviewer of the station reads the takeovers of the beats within his remit only.
    if own or (
        permissions.has_perm(user, "supervise_post", beat.post)
        or (
            permissions.has_perm(user, "review_progress", beat.post.station)
            and permissions.has_perm(user, "view_beat_cards", beat)
        )
    ):
        return assignment
    raise OutOfScope("accounts.beatassignment", str(pk))


def takeover_assignment_list(*, user: User) -> list:
    """Takeovers to read: the user's current beat assignments, and those of the beats he
    supervises or reviews, each with its confirmation (or None), newest first."""
    from accounts.models import BeatAssignment

    posts = permissions.objects_for(user, "supervise_post", Post).values("pk")
    stations = _reviewed_with_cards(user).values("pk")
    remit = permissions.remit_beats(user).values("pk")
    return list(
        BeatAssignment.objects.filter(granted_at__isnull=False, revoked_at__isnull=True)
        .filter(
            Q(officer=user)
            | Q(beat__post__in=posts)
            | Q(beat__post__station__in=stations, beat__in=remit)
        )
        .select_related("beat__post__station", "officer", "takeover")
        .order_by("-starts_on", "pk")
    )


# --- 受持区の引継ぎ ----------------------------------------------------------------------------
def takeover_predecessor_ids(assignments: list[BeatAssignment]) -> set[int]:
    """Which assignments follow another officer on the same beat (a takeover to read), in
    one query over the beats concerned. Same rule as takeover_summary_get."""
    beat_ids = {a.beat_id for a in assignments}
    earlier: dict[int, list[tuple[dt.date, int, int]]] = {}
    rows = BeatAssignment.objects.filter(beat_id__in=beat_ids).values_list(
        "beat_id", "starts_on", "officer_id", "pk"
    )
    for beat_id, starts_on, officer_id, pk in rows:
        earlier.setdefault(beat_id, []).append((starts_on, officer_id, pk))
    return {
        a.pk
        for a in assignments
        if any(
            starts_on <= a.starts_on and officer_id != a.officer_id and pk != a.pk
            for starts_on, officer_id, pk in earlier.get(a.beat_id, [])
        )
    }


# Home panel: a takeover waiting for the officer's confirmation, and for the 取扱責任者 those
# of his post. One query per request, shared by the panel's predicate and its context.
def takeover_pending_list(user: User) -> list[BeatAssignment]:
    cache = user.__dict__
    if "_pending_takeovers" not in cache:
        posts = permissions.objects_for(user, "supervise_post", Post).values("pk")
        earlier = (
            BeatAssignment.objects.filter(
                beat=OuterRef("beat"), starts_on__lte=OuterRef("starts_on")
            )
            .exclude(pk=OuterRef("pk"))
            .exclude(officer=OuterRef("officer"))
        )
        cache["_pending_takeovers"] = list(
            BeatAssignment.objects.filter(
                granted_at__isnull=False, revoked_at__isnull=True, takeover__isnull=True
            )
            .filter(Q(officer=user) | Q(beat__post__in=posts))
            .filter(Exists(earlier))
            .select_related("beat__post__station", "officer")
            .order_by("starts_on", "pk")[: PANEL_LIMIT + 1]
        )
    return cache["_pending_takeovers"]


PANEL_LIMIT = 10
