"""A card's change history (simple-history rows) in words: who changed which item from what
to what, and what changed since a given version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from accounts.utils import dates
from accounts.utils.history import EMPTY, KINDS, field_changes, is_empty, who
from liaison import text
from liaison.cards.models import (
    CARD_OPTIONAL_FIELDS,
    MEMBER_OPTIONAL_FIELDS,
    CardMember,
    CardVehicle,
    LiaisonCard,
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


# --- History -----------------------------------------------------------------------------
@dataclass
class HistoryEntry:
    when: Any
    who: str
    reason: str
    subject: str  # 「カード」「世帯員 山田 太郎」…
    kind: str  # 作成 / 変更 / 削除
    changes: list[FieldChange] = field(default_factory=list)


# Columns that are bookkeeping, derived from other fields or the object's place, not what
# an officer typed: the card page's history and the HQ audit's (liaison.audit) hide them alike.
CARD_HIDDEN = frozenset(
    {
        "version",
        "updated_at",
        "missing",
        "declined_summary",
        "head_name",
        "head_kana",
        "member_count",
        "care_count",
        "created_at",
        "created_by",
        "parent",
        "search_names",
        "search_phones",
        "address_key",
        "last_visit_on",
        "last_attempt_on",
    }
)
MEMBER_HIDDEN = frozenset({"card", "position", "card_version"})
VEHICLE_HIDDEN = frozenset({"card", "card_version"})
# The card page shows a member's or vehicle's changes under its card, in the card's place.
_HIDDEN = (
    {"id", "history_id", "history_date", "history_user", "history_type", "history_change_reason"}
    | CARD_HIDDEN
    | MEMBER_HIDDEN
    | VEHICLE_HIDDEN
    | {"station", "book"}
)


def _display(model, name: str, value: Any) -> str:
    if is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if name == "declined":
        labels = {**CARD_OPTIONAL_FIELDS, **MEMBER_OPTIONAL_FIELDS}
        return "、".join(labels.get(v, v) for v in value)
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name == "postal_code":
        return text.postal_display(value)
    # Tokyo time: a card filed at 00:59 on 5 December was filed on the 5th, not the 4th (UTC).
    if isinstance(value, dt.datetime):
        return dates.datetime_ja(value)
    if isinstance(value, dt.date):
        return dates.date_ja(value)
    return str(value)


def _diff(model, old, new) -> list[FieldChange]:
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in _HIDDEN and not f.name.endswith("_id")
    ]
    return [
        FieldChange(
            field=f.name,
            label=str(f.verbose_name),
            old=_display(model, f.name, before),
            new=_display(model, f.name, after),
        )
        for f, before, after in field_changes(old, new, fields)
    ]


def _entries(records, model, subject) -> list[HistoryEntry]:
    """Readable entries from one object's history records, oldest first."""
    entries = []
    previous = None
    for record in records:
        changes = _diff(model, previous, record)
        if record.history_type == "~" and not changes and not record.history_change_reason:
            previous = record
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=who(record),
                reason=record.history_change_reason or "",
                subject=subject(record),
                kind=KINDS[record.history_type],
                changes=changes,
            )
        )
        previous = record
    return entries


def card_history_list(*, card: LiaisonCard, limit: int | None = None) -> list[HistoryEntry]:
    """Every change of the card, its members and vehicles, newest first, as readable diffs.
    Three queries whatever the length of the history."""
    card_records = list(
        LiaisonCard.history.filter(id=card.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    member_records = list(
        CardMember.history.filter(card_id=card.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    vehicle_records = list(
        CardVehicle.history.filter(card_id=card.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    entries = _entries(card_records, LiaisonCard, lambda r: "カード")
    for records, model, label in (
        (member_records, CardMember, "世帯員"),
        (vehicle_records, CardVehicle, "車両"),
    ):
        by_object: dict[int, list] = {}
        for record in records:
            by_object.setdefault(record.id, []).append(record)
        for object_records in by_object.values():
            entries += _entries(
                object_records,
                model,
                lambda r, label=label: (
                    f"{label} {getattr(r, 'name', '') or getattr(r, 'plate', '')}"
                ),
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit] if limit else entries


def card_change_list(*, card: LiaisonCard, version: int) -> list[FieldChange]:
    """What others changed since the editor opened `version`: the card's fields, and its
    members and vehicles by name, for the refusal message of a stale save."""
    records = list(LiaisonCard.history.filter(id=card.pk).order_by("history_date", "history_id"))
    opened = next((r for r in reversed(records) if r.version == version), None)
    if opened is None:
        return []
    changes = _diff(LiaisonCard, opened, records[-1])
    for model, label in ((CardMember, "世帯員"), (CardVehicle, "車両")):
        if model.history.filter(card_id=card.pk, card_version__gt=version).exists():
            changes.append(FieldChange(field=label, label=label, old="", new="変更あり"))
    return changes
