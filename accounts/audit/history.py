"""The change-history lists of the HQ audit: every registered source's changes newest first
(keyset pages over a UNION of the history tables), one object's whole history (numbered
pages), and accounts' own sources (appointments, beat assignments). Each entry is built by
accounts.audit.changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import IntegerField, Q, QuerySet, Value
from django.utils import timezone

from ..selectors import employee_number_of, user_name_filter
from ..utils.cursors import keyset_after, keyset_decode, keyset_encode
from . import registry
from .changes import Entry, entries_for, history_model, object_pk_name
from .registry import HistorySource

PAGE_SIZE = 50


# --- The list: every source, newest first, keyset pagination ------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last entry shown, as (history_date, key, id)."""

    when: dt.datetime
    key: str
    history_id: int

    def encode(self) -> str:
        return keyset_encode(self.when, self.key, self.history_id)

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        """None for anything that is not a cursor this page made."""
        decoded = keyset_decode(text, str, int)
        if decoded is None:
            return None
        when, (key, history_id) = decoded
        return cls(when=when, key=str(key), history_id=int(history_id))


@dataclass(frozen=True)
class HistoryFilter:
    source: str = ""  # a HistorySource key; "" for all
    person: str = ""  # 職員番号, or part of 氏名 / フリガナ
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    object_id: int | None = None

    @property
    def used(self) -> list[str]:
        """Which conditions were set, by label (for the access log: never the terms)."""
        labels = []
        if self.source:
            labels.append("対象の種類")
        if self.person:
            labels.append("変更した職員")
        if self.date_from or self.date_to:
            labels.append("期間")
        if self.object_id is not None:
            labels.append("対象ID")
        return labels


@dataclass
class HistoryPage:
    entries: list[Entry]
    next_cursor: str | None
    is_first: bool

    @property
    def values_shown(self) -> int:
        return sum(1 for e in self.entries if e.values_shown)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _people(term: str) -> QuerySet:
    """Users whose 職員番号 is the term, or whose 氏名 or フリガナ contains it (the same
    folding as every name search: accounts.selectors.user_name_filter), as a subquery."""
    return (
        get_user_model()
        .objects.filter(Q(employee_number=employee_number_of(term)) | user_name_filter(term))
        .values("pk")
    )


def _filtered(source: HistorySource, filters: HistoryFilter) -> QuerySet:
    qs = history_model(source).objects.all()
    if filters.person:
        qs = qs.filter(history_user__in=_people(filters.person))
    if filters.date_from:
        qs = qs.filter(history_date__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(history_date__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.object_id is not None:
        qs = qs.filter(**{object_pk_name(source): filters.object_id})
    return qs


def _ranks() -> dict[str, int]:
    """Each source's place in the tie-break of equal timestamps: an integer, so that the
    database's collation never has a say in the order the cursor relies on."""
    return {key: rank for rank, key in enumerate(sorted(s.key for s in registry.history_sources()))}


def _after(rank: int, cursor_rank: int, cursor: Cursor) -> Q:
    """Rows after the cursor in (history_date, rank, history_id) descending order. The rank
    is constant within a source, so each source's part is a plain range on its own index."""
    if rank < cursor_rank:
        return Q(history_date__lte=cursor.when)
    if rank > cursor_rank:
        return Q(history_date__lt=cursor.when)
    return keyset_after(
        "history_date", cursor.when, Q(history_date=cursor.when, history_id__lt=cursor.history_id)
    )


def history_list(
    *, user: Any, filters: HistoryFilter, cursor: Cursor | None = None, size: int = PAGE_SIZE
) -> HistoryPage:
    """Changes of every registered source (or one), newest first, `size` a page.

    Keyset pagination: each source's table gives at most size + 1 rows after the cursor
    from its history_date index, and one UNION ALL orders them; no COUNT over millions of
    rows and no OFFSET, so the hundredth page costs what the first does.
    """
    sources = registry.history_sources()
    if filters.source:
        sources = [s for s in sources if s.key == filters.source]
    ranks = _ranks()
    keys = {rank: key for key, rank in ranks.items()}
    parts = []
    for source in sources:
        qs = _filtered(source, filters)
        if cursor is not None:
            qs = qs.filter(_after(ranks[source.key], ranks.get(cursor.key, -1), cursor))
        parts.append(
            qs.annotate(src=Value(ranks[source.key], output_field=IntegerField()))
            .order_by("-history_date", "-history_id")
            .values_list("history_date", "src", "history_id")[: size + 1]
        )
    order = ("-history_date", "-src", "-history_id")
    if not parts:
        rows: list[tuple] = []
    elif len(parts) == 1:
        rows = list(parts[0])
    elif connection.features.supports_slicing_ordering_in_compound:
        first, *rest = parts
        rows = list(first.union(*rest, all=True).order_by(*order)[: size + 1])
    else:
        # SQLite (the embedded `make run`) takes no LIMIT inside a UNION: one query per
        # source, merged here.
        merged = [row for part in parts for row in part]
        rows = sorted(merged, key=lambda r: (r[0], r[1], r[2]), reverse=True)[: size + 1]
    more = len(rows) > size
    rows = rows[:size]
    entries = entries_for(user, [(keys[rank], history_id) for _, rank, history_id in rows])
    next_cursor = None
    if more and rows:
        when, rank, history_id = rows[-1]
        next_cursor = Cursor(when=when, key=keys[rank], history_id=history_id).encode()
    return HistoryPage(entries=entries, next_cursor=next_cursor, is_first=cursor is None)


# --- One object's whole history -------------------------------------------------------------


@dataclass
class ObjectHistory:
    source: HistorySource
    object_id: int
    page: Page
    entries: list[Entry]
    owner_label: str
    values_shown: bool
    owner: tuple[str, str]


def object_history(
    *, user: Any, source: HistorySource, object_id: int, page_number: Any = 1
) -> ObjectHistory | None:
    """Every record of one object, newest first, by page number (the count of one object's
    records is cheap, and a page number is what an auditor quotes). None: no records."""
    ids = (
        history_model(source)
        .objects.filter(**{object_pk_name(source): object_id})
        .order_by("-history_date", "-history_id")
        .values_list("history_id", flat=True)
    )
    paginator = Paginator(ids, PAGE_SIZE)
    if paginator.count == 0:
        return None
    page = paginator.get_page(page_number)
    entries = entries_for(user, [(source.key, history_id) for history_id in page.object_list])
    first = entries[0] if entries else None
    return ObjectHistory(
        source=source,
        object_id=object_id,
        page=page,
        entries=entries,
        owner_label=first.owner_label if first else "",
        values_shown=bool(first and first.values_shown),
        owner=(first.owner if first and first.owner else None)
        or (source.object_type, str(object_id)),
    )


# --- accounts' own sources ----------------------------------------------------------------


def _everyone_sees(user: Any, ids: list[int]) -> set[int]:
    """Appointments and beat assignments are not resident data: auditors see the values."""
    return set(ids)


def register_accounts_sources() -> None:
    from ..models import Appointment, BeatAssignment

    registry.register_history(
        HistorySource(
            key="appointment",
            label="役職の発令",
            model=Appointment,
            object_type="accounts.appointment",
            values_visible=_everyone_sees,
        )
    )
    registry.register_history(
        HistorySource(
            key="beat_assignment",
            label="受持警察官の指定",
            model=BeatAssignment,
            object_type="accounts.beatassignment",
            values_visible=_everyone_sees,
        )
    )
