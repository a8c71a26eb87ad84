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

from django.db.models import Field

KINDS = {"+": "作成", "~": "変更", "-": "削除"}
EMPTY = "（なし）"


def is_empty(value: Any) -> bool:
    return value in (None, "", [], {})


def field_changes(old: Any, new: Any, fields: Sequence[Field]) -> list[tuple[Field, Any, Any]]:
    """(field, before, after) for each of `fields` that differs between the history rows
    `old` and `new` (old None: `new` is the object's first row). A deletion row changes
    nothing. `fields` are fields of the history model; those a form never edits
    (timestamps, versions) are bookkeeping and compared only on creation."""
    if new.history_type == "-":
        return []
    if old is None:
        return [
            (f, None, value)
            for f in fields
            if not is_empty(value := getattr(new, f.attname, None)) and value is not False
        ]
    delta = new.diff_against(old, included_fields=[f.name for f in fields if f.editable])
    changed = {change.field: change for change in delta.changes}
    return [
        (f, changed[f.name].old, changed[f.name].new)
        for f in fields
        if f.name in changed
        and not (is_empty(changed[f.name].old) and is_empty(changed[f.name].new))
    ]


def who(record: Any) -> str:
    """氏名（職員番号） of the person who made a history row, or システム."""
    user = record.history_user
    if user is None:
        return "システム"
    return f"{user.full_name}（{user.employee_number}）"
