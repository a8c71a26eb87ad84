"""Reads of books: the books a user may read, a book's cards in order, its summary, the
cards and books he may export, and the search over cards by name or phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from accounts.exceptions import OutOfScope
from accounts.models import User
from accounts.utils.names import fold_name
from liaison import text
from liaison.cards.models import (
    BOOK_STATUSES,
    CardKind,
    CardStatus,
    LiaisonBook,
    LiaisonCard,
)
from liaison.cards.policy import card_scope
from liaison.cards.selectors import card_list
from liaison.planning.selectors import _due_aggregates, _due_figures, station_due_rule_get


def search_filter(query: str) -> Q:
    """A name in kanji or kana (full- or half-width, hiragana or katakana) or a phone number
    in any notation. Every word must match."""
    condition = Q()
    for word in text.nfkc(query).split():
        number = text.digits(word)
        if number and len(number) >= 3 and len(number) * 2 >= len(word):
            condition &= Q(search_phones__contains=number)
        else:
            condition &= Q(search_names__contains=fold_name(word))
    return condition


def card_search(*, user: User, query: str) -> QuerySet[LiaisonCard]:
    """Cards in scope matching a name or phone number, across every book the user sees."""
    if not query.strip():
        return LiaisonCard.objects.none()
    return (
        card_list(user=user)
        .filter(search_filter(query))
        .select_related("book__beat__post")
        .order_by("head_kana", "address_key", "pk")
    )


# --- Books -----------------------------------------------------------------------------
def book_list(*, user: User) -> QuerySet[LiaisonBook]:
    """The books the user may view, with their open-card counts, in station/post order."""
    scope = card_scope(user)
    return (
        LiaisonBook.objects.filter(beat_id__in=scope["view_books"])
        .select_related("beat__post__station")
        .annotate(
            card_total=Count("cards", filter=Q(cards__status=CardStatus.FILED)),
        )
        .order_by("beat__post__station__code", "beat__post__name", "beat__name")
    )


def book_get(*, user: User, pk: int) -> LiaisonBook:
    book = (
        LiaisonBook.objects.filter(pk=pk, beat_id__in=card_scope(user)["view_books"])
        .select_related("beat__post__station")
        .first()
    )
    if book is None:
        raise OutOfScope("liaison.liaisonbook", str(pk))
    return book


BOOK_ORDERS = {
    "address": ("address_key", "pk"),
    "kana": ("head_kana", "address_key", "pk"),
}


def book_card_list(*, book: LiaisonBook) -> QuerySet[LiaisonCard]:
    """The book's cards (filed and closed) with the columns of the book page, in address
    order; books.filters.BookCardFilterSet narrows them and picks the 索引. The caller has
    already fetched the book through book_get (so the user may view it)."""
    cards = LiaisonCard.objects.filter(book=book, status__in=BOOK_STATUSES)
    return cards.only(
        "pk",
        "kind",
        "status",
        "book_id",
        "parent_id",
        "town",
        "banchi",
        "building",
        "room",
        "head_name",
        "head_kana",
        "member_count",
        "care_count",
        "care_elderly_only",
        "care_elderly_alone",
        "care_needs_support",
        "care_foreign",
        "care_language",
        "missing",
        "declined_summary",
        "last_visit_on",
        "closed_on",
    ).order_by(*BOOK_ORDERS["address"])


def book_summary_get(*, book: LiaisonBook, today: dt.date | None = None) -> dict[str, Any]:
    """受持区要覧: what the paper book's summary page gives, and the beat's 要訪問・期限超過
    as every other page counts them (the DueRule's aggregates), in one aggregate query."""
    filed = Q(status=CardStatus.FILED)
    rule = station_due_rule_get(station=book.beat.post.station, today=today or timezone.localdate())
    due = _due_aggregates(rule)
    row = LiaisonCard.objects.filter(book=book).aggregate(
        # The length of the book's default list (its filed cards): the book page's paginator
        # takes it from here rather than counting again.
        filed=Count("pk", filter=filed),
        households=Count("pk", filter=filed & Q(kind=CardKind.HOUSEHOLD)),
        apartments=Count("pk", filter=filed & Q(kind=CardKind.APARTMENT)),
        businesses=Count("pk", filter=filed & Q(kind=CardKind.BUSINESS)),
        population=Sum("member_count", filter=filed, default=0),
        elderly_only=Count("pk", filter=filed & Q(care_elderly_only=True)),
        elderly_alone=Count("pk", filter=filed & Q(care_elderly_alone=True)),
        needs_support=Count("pk", filter=filed & Q(care_needs_support=True)),
        foreign=Count("pk", filter=filed & Q(care_foreign=True)),
        never_visited=Count("pk", filter=filed & Q(last_visit_on__isnull=True)),
        closed=Count("pk", filter=Q(status=CardStatus.CLOSED)),
        **due,
    )
    figures = _due_figures(row)
    for name in due:
        row.pop(name)
    return {**row, "due": figures["due"], "overdue": figures["overdue"]}


def export_card_list(*, user: User, books: QuerySet[LiaisonBook]) -> QuerySet[LiaisonCard]:
    """Cards of the given books that the user may export, in book and address order."""
    scope = card_scope(user)
    return (
        LiaisonCard.objects.filter(
            book__in=books, book_id__in=scope["export_books"], status__in=BOOK_STATUSES
        )
        .select_related("book__beat__post")
        .order_by("book_id", "address_key", "pk")
    )


def export_book_list(*, user: User, station_id: int | None = None) -> QuerySet[LiaisonBook]:
    books = LiaisonBook.objects.filter(beat_id__in=card_scope(user)["export_books"])
    if station_id is not None:
        books = books.filter(beat__post__station_id=station_id)
    return books
