"""What changed between two change-history rows of one object (django-simple-history), for
every history page: the card's own history, the stale-save refusal, the HQ audit.

Built on simple-history's `diff_against`; on top of it, a creation lists what the new row
holds (not every empty field or unticked box), an empty value is one whatever its type
(None, "" and [] do not differ), and the changes come in the model's field order, as the
form shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Field, Model

KINDS = {"+": "作成", "~": "変更", "-": "削除"}
EMPTY = "（なし）"


def is_empty(value: Any) -> bool:
    return value in (None, "", [], {})


def field_changes(old: Any, new: Any, fields: Sequence[Field]) -> list[tuple[Field, Any, Any]]:
    """(field, before, after) for each of `fields` that differs between the history rows
    `old` and `new` (old None: `new` is the object's first row). A deletion row changes
    nothing."""
    if new.history_type == "-":
        return []
    if old is None:
        return [
            (f, None, value)
            for f in fields
            if not is_empty(value := getattr(new, f.attname, None)) and value is not False
        ]
    # diff_against reads fields as a form would (model_to_dict): those no form edits
    # (when a grant was revoked, who decided) are compared here.
    delta = new.diff_against(old, included_fields=[f.name for f in fields if f.editable])
    changed = {change.field: (change.old, change.new) for change in delta.changes}
    for f in fields:
        if not f.editable:
            before, after = getattr(old, f.attname, None), getattr(new, f.attname, None)
            if before != after:
                changed[f.name] = (before, after)
    return [
        (f, *changed[f.name])
        for f in fields
        if f.name in changed and not (is_empty(changed[f.name][0]) and is_empty(changed[f.name][1]))
    ]


def who(record: Any) -> str:
    """氏名（職員番号） of the person who made a history row, or システム."""
    user = record.history_user
    if user is None:
        return "システム"
    return f"{user.full_name}（{user.employee_number}）"


def history_save(obj: Model, *, actor: Any, reason: str, clean: bool = True) -> None:
    """Save `obj` with who did it and why on its history row (simple-history reads both from
    the instance), after checking it (full_clean) unless the caller has just done so."""
    if clean:
        obj.full_clean()
    # simple-history's own attribute names; a model declares them for the type checker.
    setattr(obj, "_history_user", actor)  # noqa: B010
    setattr(obj, "_change_reason", reason)  # noqa: B010
    obj.save()
