"""Reads of 夜間巡回連絡 requests: the list a user sees, those waiting for him, one request."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import User
from liaison.night.models import NightVisitRequest
from liaison.visits.selectors import _remit_officers, _reviewed_with_cards


# Night requests: the officer's own; the station's for those who decide or review them, of
# the officers within their remit (those who ever held one of their beats, for the record).
def night_request_list(*, user: User) -> QuerySet[NightVisitRequest]:
    deciders = permissions.stations_for(user, "approve_night_visits").values("pk")
    reviewers = _reviewed_with_cards(user).values("pk")
    return (
        NightVisitRequest.objects.filter(
            Q(officer=user)
            | (
                (Q(station__in=deciders) | Q(station__in=reviewers))
                & Q(officer__in=_remit_officers(user, current=False))
            )
        )
        .select_related("officer", "station", "decided_by")
        .order_by("-date", "-requested_at")
    )


def night_request_waiting_list(*, user: User) -> QuerySet[NightVisitRequest]:
    """What the 地域課長等 has to decide, the soonest date first: requests of the officers
    now on his beats."""
    return (
        NightVisitRequest.objects.filter(
            station__in=permissions.stations_for(user, "approve_night_visits").values("pk"),
            status=NightVisitRequest.Status.PENDING,
            officer__in=_remit_officers(user, current=True),
        )
        .exclude(officer=user)
        .select_related("officer", "station")
        .order_by("date", "requested_at")
    )


def night_request_in_remit(*, user: User, night: NightVisitRequest) -> bool:
    """Whether the request's officer now holds a beat within the user's remit."""
    return (
        User.objects.filter(pk=night.officer_id)
        .filter(pk__in=_remit_officers(user, current=True))
        .exists()
    )


def night_request_get(*, user: User, pk: int) -> NightVisitRequest:
    night = night_request_list(user=user).filter(pk=pk).prefetch_related("beats__post").first()
    if night is None:
        raise OutOfScope("liaison.nightvisitrequest", str(pk))
    return night
