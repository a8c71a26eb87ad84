"""The queues of cards on their way into a book: submitted cards, cards waiting for a beat,
and drafts left too long."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from liaison.cards.models import (
    CardStatus,
    LiaisonBook,
    LiaisonCard,
)
from liaison.cards.policy import card_scope
from liaison.cards.selectors import card_list


def submitted_card_list(*, user: User) -> QuerySet[LiaisonCard]:
    """Cards waiting to be filed: the 地域課長等's queue (to assign), the beat officer's (to
    file), and a staff member's own drafts and submitted cards."""
    return (
        card_list(user=user)
        .filter(status__in=[CardStatus.DRAFT, CardStatus.SUBMITTED])
        .select_related("book__beat__post", "proposed_book__beat__post", "created_by", "station")
        .order_by("-submitted_at", "-created_at", "pk")
    )


def waiting_card_list(*, user: User) -> QuerySet[LiaisonCard]:
    """Submitted cards in the user's queue that wait for a beat (要領 第6-2(3)ウ), the
    longest waiting first: the 地域課長等's home page flags them with their age."""
    scope = card_scope(user)
    return (
        card_list(user=user)
        .filter(
            status=CardStatus.SUBMITTED,
            book__isnull=True,
            station_id__in=scope["assign_stations"],
        )
        .select_related("created_by", "proposed_book__beat__post")
        .only(
            "pk",
            "submitted_at",
            "created_at",
            "created_by__full_name",
            "proposed_book__beat__name",
            "proposed_book__beat__post__name",
        )
        .order_by("submitted_at", "pk")
    )


def draft_stale_before(now: dt.datetime | None = None) -> dt.datetime:
    """Drafts made before this instant are stale (要領 第6-2(1)イ: submitted 「速やかに」)."""
    return (now or timezone.now()) - dt.timedelta(days=settings.CARD_DRAFT_STALE_DAYS)


def stale_draft_count(*, user: User) -> int:
    """How many of the user's own drafts have waited longer than the setting."""
    if not (user and user.is_authenticated):
        return 0
    return LiaisonCard.objects.filter(
        created_by=user, status=CardStatus.DRAFT, created_at__lt=draft_stale_before()
    ).count()


@dataclass
class StaleDrafts:
    maker_id: int
    maker: str  # 氏名（職員番号）
    count: int
    oldest: dt.datetime


def stale_draft_list(*, user: User) -> list[StaleDrafts]:
    """Stale drafts the 地域課長等 should chase, by maker: staff drafts of the stations whose
    queue he keeps and drafts in the books he writes (his own among them). Who and how many
    only: a draft stays its maker's to read. One grouped query."""
    scope = card_scope(user)
    rows = (
        LiaisonCard.objects.filter(status=CardStatus.DRAFT, created_at__lt=draft_stale_before())
        .filter(
            Q(book__isnull=True, station_id__in=scope["assign_stations"])
            | Q(book_id__in=scope["write_books"])
        )
        .order_by()
        .values("created_by", "created_by__full_name", "created_by__employee_number")
        .annotate(count=Count("pk"), oldest=Min("created_at"))
        .order_by("oldest")
    )
    return [
        StaleDrafts(
            maker_id=row["created_by"],
            maker=f"{row['created_by__full_name']}（{row['created_by__employee_number']}）",
            count=row["count"],
            oldest=row["oldest"],
        )
        for row in rows
    ]


def assign_book_list(*, user: User, card: LiaisonCard) -> QuerySet[LiaisonBook]:
    """The books a submitted card may be assigned to: those of the card's station that the
    user writes (his own 地域課's beats, 要領 第3-2(4))."""
    beats = permissions.beats_for(user, "change_beat_cards").filter(
        post__station_id=card.station_id
    )
    return (
        LiaisonBook.objects.filter(beat__in=beats)
        .select_related("beat__post")
        .order_by("beat__post__name", "beat__name")
    )


def move_book_list(*, user: User, card: LiaisonCard) -> QuerySet[LiaisonBook]:
    """The books a card may be moved to: every other book the user writes."""
    return (
        LiaisonBook.objects.filter(beat__in=permissions.beats_for(user, "change_beat_cards"))
        .exclude(pk=card.book_id)
        .select_related("beat__post")
        .order_by("beat__post__station__code", "beat__post__name", "beat__name")
    )
