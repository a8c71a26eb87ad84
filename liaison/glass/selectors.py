"""Reads for 緊急閲覧: which cards a user may open by breaking the glass, his open accesses,
and the reason behind each read of a card in the access log."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import AccessEvent, Station, User
from liaison.books.selectors import search_filter
from liaison.cards.models import (
    BOOK_STATUSES,
    LiaisonCard,
)
from liaison.cards.policy import card_actions
from liaison.glass.models import BreakGlassAccess


def break_glass_active_get(*, user: User, card: LiaisonCard) -> BreakGlassAccess | None:
    """The unexpired break-the-glass access through which this user sees this card, if the
    card is outside his normal scope."""
    if "view" in card_actions(user, card):
        return None
    return (
        BreakGlassAccess.objects.filter(
            user=user,
            card=card,
            expires_at__gt=timezone.now(),
            card__station__in=permissions.stations_for(user, "break_glass").values("pk"),
        )
        .order_by("-expires_at")
        .first()
    )


def break_glass_candidate_list(
    *, user: User, station: Station, query: str, limit: int = 20
) -> list[LiaisonCard]:
    """Cards of the station matching a name or phone number, for an officer who has stated
    why he must break the glass. Only the index columns are read (who and where)."""
    if not query.strip() or not permissions.may_break_glass(user, station):
        return []
    return list(
        LiaisonCard.objects.filter(station=station, status__in=BOOK_STATUSES)
        .filter(search_filter(query))
        .select_related("book__beat__post")
        .only(
            "pk",
            "kind",
            "status",
            "head_name",
            "head_kana",
            "town",
            "banchi",
            "building",
            "room",
            "book__beat__name",
            "book__beat__post__name",
        )
        .order_by("head_kana", "address_key", "pk")[:limit]
    )


def break_glass_active_list(*, user: User) -> list[BreakGlassAccess]:
    """The user's own break-the-glass accesses that have not expired yet."""
    return list(
        BreakGlassAccess.objects.filter(
            user=user,
            expires_at__gt=timezone.now(),
            card__station__in=permissions.stations_for(user, "break_glass").values("pk"),
            card__status__in=BOOK_STATUSES,
        )
        .select_related("card__book__beat__post", "card__station")
        .order_by("-expires_at")
    )


def break_glass_card_get(*, user: User, pk: int) -> LiaisonCard:
    """A filed card of a station where the user may break the glass; else a 404."""
    stations = permissions.stations_for(user, "break_glass").values("pk")
    card = (
        LiaisonCard.objects.filter(pk=pk, station_id__in=stations, status__in=BOOK_STATUSES)
        .select_related("book__beat__post", "station")
        .first()
    )
    if card is None:
        raise OutOfScope("liaison.liaisoncard", str(pk))
    return card


# The access log's clock and the grant's are read a moment apart (the grant is saved first).
BREAK_GLASS_SLACK = dt.timedelta(minutes=1)


def break_glass_reason_map(
    *, card: LiaisonCard, events: list[AccessEvent]
) -> dict[int, BreakGlassAccess]:
    """The break-the-glass grant behind each flagged access event of this card: same user,
    granted_at <= occurred_at <= expires_at (a minute's slack). One query for them all."""
    flagged = [e for e in events if e.break_glass and e.user_id is not None]
    if not flagged:
        return {}
    earliest = min(e.occurred_at for e in flagged)
    latest = max(e.occurred_at for e in flagged)
    grants = list(
        BreakGlassAccess.objects.filter(
            card=card,
            user_id__in={e.user_id for e in flagged},
            granted_at__lte=latest + BREAK_GLASS_SLACK,
            expires_at__gte=earliest - BREAK_GLASS_SLACK,
        ).order_by("-granted_at")
    )
    found: dict[int, BreakGlassAccess] = {}
    for event in flagged:
        for grant in grants:  # newest first: the grant in force at the time
            if (
                grant.user_id == event.user_id
                and grant.granted_at - BREAK_GLASS_SLACK
                <= event.occurred_at
                <= grant.expires_at + BREAK_GLASS_SLACK
            ):
                found[event.pk] = grant
                break
    return found
