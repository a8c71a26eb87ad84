"""Change history for the HQ audit: a readable diff of every change of every registered
HistorySource (cards, members, vehicles, visits, appointments …), without accounts
importing the apps that own them.

Each entry says who (氏名・職員番号), when (Tokyo), why (the change reason), what kind of
change (作成・変更・削除) and which fields changed, by their Japanese labels. The values are
shown only where `HistorySource.values_visible` says this user may see them (an auditor
who also holds a card role over the card); otherwise the entry names the fields only.

A record is diffed against its predecessor (the same object's previous record). Both are
fetched in one query per source on a page: the page's records, and for each the id of its
predecessor as a correlated subquery, so the cost does not grow with the page.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    CharField,
    Field,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from .. import dates
from ..selectors import employee_number_of, user_name_filter
from . import registry
from .registry import HistorySource

PAGE_SIZE = 50
KINDS = {"+": "作成", "~": "変更", "-": "削除"}
EMPTY = "（なし）"

# Columns of every simple-history table that are bookkeeping, not content.
GENERIC_HIDDEN = frozenset(
    {
        "id",
        "history_id",
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user",
        "history_relation",
    }
)


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


# --- Entries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str | None = None  # None: the value is not shown to this user
    new: str | None = None


@dataclass
class Entry:
    source: HistorySource
    history_id: int
    object_id: int
    when: dt.datetime
    who: str  # 氏名（職員番号）, or システム
    reason: str
    kind: str  # 作成 / 変更 / 削除
    values_shown: bool
    changes: list[Change] = field(default_factory=list)
    owner_label: str = ""  # 「カード No.123（中央警察署 駅前交番 第1受持区）」
    # The object its access events and pages use (a member's card): (object_type, id).
    owner: tuple[str, str] | None = None
    # A change whose predecessor is no longer kept (removed by retention): nothing to diff.
    older_removed: bool = False

    @property
    def subject(self) -> str:
        return f"{self.source.label} No.{self.object_id}"

    @property
    def when_ja(self) -> str:
        return dates.datetime_ja(self.when)


def field_label(f: Field) -> str:
    """The field's Japanese verbose_name: every tracked model declares one for every field
    (tests/accounts/audit/test_history_in_japanese.py proves it)."""
    return str(f.verbose_name)


def history_model(source: HistorySource) -> type[Model]:
    return source.model.history.model  # type: ignore[attr-defined]


def _pk_name(source: HistorySource) -> str:
    return source.model._meta.pk.attname


def diff_fields(source: HistorySource) -> list[Field]:
    """The columns of the source's history table that an entry may mention."""
    hidden = GENERIC_HIDDEN | source.hidden_fields
    fields = []
    for f in history_model(source)._meta.concrete_fields:
        if f.name in hidden or f.attname in hidden or f.name.startswith("history_"):
            continue
        fields.append(f)
    return fields


def _predecessor(history: type[Model], pk_name: str) -> Subquery:
    """The id of the same object's previous record, in (history_date, history_id) order."""
    earlier = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    return Subquery(
        history.objects.filter(earlier, **{pk_name: OuterRef(pk_name)})
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )


def _records_with_predecessors(source: HistorySource, history_ids: list[int]) -> dict[int, Any]:
    """The records `history_ids` and their predecessors, by history id, in one query; each
    record carries `prev_id`. The ids go in as a UNION of two primary-key lookups, so the
    plan stays on the primary key whatever the size of the table."""
    history = history_model(source)
    pk_name = _pk_name(source)
    page = history.objects.filter(history_id__in=history_ids).order_by()
    prev_ids = page.annotate(p=_predecessor(history, pk_name)).values_list("p", flat=True)
    wanted = page.values_list("history_id", flat=True).union(prev_ids, all=True)
    rows = (
        history.objects.filter(history_id__in=wanted)
        .order_by()
        .annotate(prev_id=_predecessor(history, pk_name))
        .select_related("history_user")
    )
    return {r.history_id: r for r in rows}


def _raw_changes(
    fields: list[Field], old: Any, new: Any, kind: str
) -> list[tuple[Field, Any, Any]]:
    """(field, before, after) of each field that differs; a creation lists what it holds."""
    if kind == "-":
        return []
    changes = []
    for f in fields:
        after = getattr(new, f.attname, None)
        if old is None:
            if _empty(after) or after is False:
                continue  # a new record lists what it holds, not every unticked box
            changes.append((f, None, after))
            continue
        before = getattr(old, f.attname, None)
        if before != after and not (_empty(before) and _empty(after)):
            changes.append((f, before, after))
    return changes


def _fk_model(f: Field) -> type[Model] | None:
    remote = getattr(f, "remote_field", None)
    return remote.model if remote is not None and f.many_to_one else None


def _fk_labels(wanted: dict[type[Model], set[Any]]) -> dict[tuple[type[Model], Any], str]:
    """Labels of related objects in one UNION query whatever their models: a person by
    氏名（職員番号）, anything with a name by its name. The rest show by number."""
    user_model = get_user_model()
    parts, models = [], {}
    for model, pks in wanted.items():
        if model is user_model:
            label: Any = Concat(
                "full_name", Value("（"), "employee_number", Value("）"), output_field=CharField()
            )
        elif any(f.name == "name" for f in model._meta.concrete_fields):
            label = Cast("name", CharField())
        else:
            continue
        models[model._meta.label_lower] = model
        parts.append(
            model.objects.filter(pk__in=pks)
            .order_by()
            .annotate(
                m=Value(model._meta.label_lower, output_field=CharField()),
                k=Cast("pk", CharField()),
                t=label,
            )
            .values_list("m", "k", "t")
        )
    if not parts:
        return {}
    first, *rest = parts
    rows = first.union(*rest, all=True) if rest else first
    labels: dict[tuple[type[Model], Any], str] = {}
    for model_label, key, text in rows:
        model = models[model_label]
        labels[(model, model._meta.pk.to_python(key))] = text
    return labels


def display(
    model: type[Model],
    f: Field,
    value: Any,
    fk_labels: dict[tuple[type[Model], Any], str],
    formats: Mapping[str, Callable[[Any], str]] | None = None,
) -> str:
    """A value as an officer reads it: choices by their label, dates in Japanese, a list of
    field names (回答拒否の項目) by the fields' labels."""
    if _empty(value):
        return EMPTY
    if formats and f.name in formats:
        return formats[f.name](value)
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    related = _fk_model(f)
    if related is not None:
        return fk_labels.get((related, value), f"{related._meta.verbose_name}（番号{value}）")
    if isinstance(value, dt.datetime):
        return dates.datetime_ja(value)
    if isinstance(value, dt.date):
        return dates.date_ja(value)
    if isinstance(value, dt.time):
        return dates.time_ja(value)
    if isinstance(value, list):
        return "、".join(_field_label(model, item) for item in value)
    return str(value)


def _field_label(model: type[Model], name: Any) -> str:
    try:
        return str(model._meta.get_field(str(name)).verbose_name)
    except FieldDoesNotExist:
        return str(name)


def _who(record: Any) -> str:
    user = record.history_user
    if user is None:
        return "システム"
    return f"{user.full_name}（{user.employee_number}）"


def entries_for(user: Any, wanted: list[tuple[str, int]]) -> list[Entry]:
    """Entries for (source key, history id) pairs, in the order given.

    Queries: per source present, one for the records and their predecessors, and what
    `values_visible` and `owner_of` cost; then one per kind of owner for its labels, and one
    UNION for the names behind the shown values' foreign keys. None of it grows with the
    number of rows.
    """
    by_source: dict[str, list[int]] = {}
    for key, history_id in wanted:
        by_source.setdefault(key, []).append(history_id)

    built: dict[tuple[str, int], tuple[Entry, list[tuple[Field, Any, Any]]]] = {}
    owners: dict[tuple[str, int], tuple[str, str]] = {}
    fk_wanted: dict[type[Model], set[Any]] = {}
    for key, history_ids in by_source.items():
        source = registry.history_source(key)
        if source is None:
            continue
        records = _records_with_predecessors(source, history_ids)
        page = [records[h] for h in history_ids if h in records]
        pk_name = _pk_name(source)
        object_ids = sorted({getattr(r, pk_name) for r in page})
        visible = source.values_visible(user, object_ids)
        if source.owner_of is not None:
            owner_of = source.owner_of(object_ids)
        else:
            owner_of = {pk: (source.object_type, str(pk)) for pk in object_ids}
        fields = diff_fields(source)
        for record in page:
            object_id = getattr(record, pk_name)
            previous = records.get(record.prev_id) if record.prev_id else None
            kind = record.history_type
            older_removed = kind == "~" and previous is None
            raw = [] if older_removed else _raw_changes(fields, previous, record, kind)
            shown = object_id in visible
            if shown:
                for f, before, after in raw:
                    related = _fk_model(f)
                    if related is not None:
                        fk_wanted.setdefault(related, set()).update(
                            v for v in (before, after) if v is not None
                        )
            entry = Entry(
                source=source,
                history_id=record.history_id,
                object_id=object_id,
                when=record.history_date,
                who=_who(record),
                reason=record.history_change_reason or "",
                kind=KINDS.get(kind, kind),
                values_shown=shown,
                older_removed=older_removed,
            )
            built[(key, record.history_id)] = (entry, raw)
            if object_id in owner_of:
                owners[(key, record.history_id)] = owner_of[object_id]
                entry.owner = owner_of[object_id]

    owner_labels = _owner_labels(owners.values())
    fk_labels = _fk_labels(fk_wanted) if fk_wanted else {}
    result = []
    for key, history_id in wanted:
        if (key, history_id) not in built:
            continue
        entry, raw = built[(key, history_id)]
        model = entry.source.model
        for f, before, after in raw:
            if entry.values_shown:
                entry.changes.append(
                    Change(
                        field=f.name,
                        label=field_label(f),
                        old=display(model, f, before, fk_labels, entry.source.formats),
                        new=display(model, f, after, fk_labels, entry.source.formats),
                    )
                )
            else:
                entry.changes.append(Change(field=f.name, label=field_label(f)))
        owner = owners.get((key, history_id))
        if owner is not None:
            entry.owner_label = owner_labels.get(owner, "")
        result.append(entry)
    return result


def _owner_labels(owners: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """「カード No.123（…）」 for each owner, through the registered kind's describe: one
    call per kind."""
    by_type: dict[str, set[str]] = {}
    for object_type, object_id in owners:
        by_type.setdefault(object_type, set()).add(object_id)
    labels: dict[tuple[str, str], str] = {}
    for object_type, ids in by_type.items():
        kind = registry.kind(object_type)
        if kind is None or kind.describe is None:
            continue
        for object_id, label in kind.describe(sorted(ids)).items():
            labels[(object_type, str(object_id))] = label
    return labels


# --- The list: every source, newest first, keyset pagination ------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last entry shown, as (history_date, key, id)."""

    when: dt.datetime
    key: str
    history_id: int

    def encode(self) -> str:
        micros = (self.when - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(
            microseconds=1
        )
        raw = f"{micros}.{self.key}.{self.history_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        """None for anything that is not a cursor this page made."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            micros, key, history_id = raw.split(".")
            when = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(micros))
            return cls(when=when, key=key, history_id=int(history_id))
        except (ValueError, UnicodeDecodeError, OverflowError):
            return None


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
        qs = qs.filter(**{_pk_name(source): filters.object_id})
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
    # The redundant `<=` gives the planner a range on the history_date index; the OR
    # alone reads the whole table.
    return Q(history_date__lte=cursor.when) & (
        Q(history_date__lt=cursor.when)
        | Q(history_date=cursor.when, history_id__lt=cursor.history_id)
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
        .objects.filter(**{_pk_name(source): object_id})
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
