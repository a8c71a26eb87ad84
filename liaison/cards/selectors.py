"""Reads of cards that depend on who is asking. Every list starts from `card_list(user=…)`;
a detail outside it is a 404 (OutOfScope)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.exceptions import OutOfScope
from accounts.models import User
from liaison.cards.models import (
    BOOK_STATUSES,
    CardMember,
    CardStatus,
    CardVehicle,
    LiaisonCard,
)
from liaison.cards.policy import card_scope
from liaison.glass.models import BreakGlassAccess


# --- Cards -----------------------------------------------------------------------------
def card_list(*, user: User) -> QuerySet[LiaisonCard]:
    """Every card the user may see: filed and closed cards of the books he may view, his own
    drafts and submitted cards, submitted cards of the stations whose queue he keeps or of
    the books he writes, and cards he holds an unexpired break-the-glass access to."""
    if not (user and user.is_authenticated and user.is_active):
        return LiaisonCard.objects.none()
    scope = card_scope(user)
    glass = BreakGlassAccess.objects.filter(
        user=user, expires_at__gt=timezone.now(), card=OuterRef("pk")
    )
    return LiaisonCard.objects.filter(
        Q(status__in=BOOK_STATUSES, book_id__in=scope["view_books"])
        | Q(status__in=[CardStatus.DRAFT, CardStatus.SUBMITTED], created_by=user)
        # The 地域課長等's queue: a card not yet assigned, if its address proposes one of his
        # beats or none (要領 第3-2(4): each over his own 地域課's posts). Once assigned, the
        # writers of its book see it (below), he among them.
        | (
            Q(status=CardStatus.SUBMITTED, book__isnull=True)
            & Q(station_id__in=scope["assign_stations"])
            & (Q(proposed_book__isnull=True) | Q(proposed_book_id__in=scope["write_books"]))
        )
        | Q(status=CardStatus.SUBMITTED, book_id__in=scope["write_books"])
        # A glass grant counts only while the user may still break the glass at the card's
        # station: it ends with his appointment, and does not follow a card elsewhere.
        | Q(Exists(glass), status__in=BOOK_STATUSES, station_id__in=scope["glass_stations"])
    )


def card_get(*, user: User, pk: int) -> LiaisonCard:
    card = (
        card_list(user=user)
        .select_related("book__beat__post__station", "station", "parent", "created_by")
        .filter(pk=pk)
        .first()
    )
    if card is None:
        raise OutOfScope("liaison.liaisoncard", str(pk))
    return card


def card_member_list(*, card: LiaisonCard) -> list[CardMember]:
    return list(card.members.all())


def card_vehicle_list(*, card: LiaisonCard) -> list[CardVehicle]:
    return list(card.vehicles.all())
