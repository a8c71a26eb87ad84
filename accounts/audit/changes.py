"""What one change-history record changed, for the HQ audit: a readable diff of every
HistorySource (cards, members, vehicles, visits, appointments …), without accounts importing
the apps that own them. The lists that page through these entries are in
accounts.audit.history.

Each entry says who (氏名・職員番号), when (Tokyo), why (the change reason), what kind of
change (作成・変更・削除) and which fields changed, by their Japanese labels. The values are
shown only where `HistorySource.values_visible` says this user may see them (an auditor
who also holds a card role over the card); otherwise the entry names the fields only.

A record is diffed against its predecessor (the same object's previous record). Both are
fetched in one query per source on a page: the page's records, and for each the id of its
predecessor as a correlated subquery, so the cost does not grow with the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    CharField,
    Field,
    Model,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat

from ..utils import dates
from ..utils.history import EMPTY, KINDS, field_changes, is_empty, who
from . import registry
from .registry import HistorySource

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


def object_pk_name(source: HistorySource) -> str:
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
    pk_name = object_pk_name(source)
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
    if is_empty(value):
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
        pk_name = object_pk_name(source)
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
            raw = [] if older_removed else field_changes(previous, record, fields)
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
                who=who(record),
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
