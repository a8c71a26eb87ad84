"""The rows of an access-log table, drawn in Python: `{% audit_event_rows rows … %}`.

An audit page shows fifty events of twelve cells each; through the template engine that is
some six hundred variable lookups, filters and `{% url %}` tags, which cost several times the
page's query (issue 15). Here each row is one string, every value escaped as the template
would (html.escape is what django.utils.html.escape calls), the labels of an action or an
outcome read from a dict, and the links of a person or an object reversed once per page. The
markup is what accounts/audit/_event_table.html had in its loop; the table around it stays
in the template.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from accounts.models import AccessEvent
from accounts.utils import dates

from ..events import EventRow

register = template.Library()

_DASH = "—"
_ACTIONS = dict(AccessEvent.Action.choices)
_OUTCOMES = dict(AccessEvent.Outcome.choices)
_SUCCESS = AccessEvent.Outcome.SUCCESS.value


def _e(value: object) -> str:
    return escape(str(value))


class _Links:
    """The audit's person and object pages, reversed once per distinct person or object."""

    def __init__(self) -> None:
        self._people: dict[int, str] = {}
        self._objects: dict[tuple[str, str], str] = {}

    def person(self, pk: int) -> str:
        if pk not in self._people:
            self._people[pk] = _e(reverse("accounts:audit_person", args=[pk]))
        return self._people[pk]

    def object(self, object_type: str, object_id: str) -> str:
        key = (object_type, object_id)
        if key not in self._objects:
            url = reverse("accounts:audit_object", args=[object_type, object_id])
            self._objects[key] = _e(url)
        return self._objects[key]


def _person_cell(row: EventRow, links: _Links) -> str:
    e = row.event
    if e.user is not None:
        return (
            f'<td><a href="{links.person(e.user.pk)}">{_e(e.user.full_name)}</a>'
            f'<br><span class="muted">{_e(e.user.employee_number)}</span></td>'
        )
    if e.username:
        return f'<td><span class="muted">（未登録）{_e(e.username)}</span></td>'
    return f'<td><span class="muted">{_DASH}</span></td>'


def _target_cell(row: EventRow, links: _Links) -> str:
    if row.target_type:
        href = links.object(row.target_type, row.target_id)
        return f'<td><a href="{href}">{_e(row.target)}</a></td>'
    return f"<td>{_e(row.target or _DASH)}</td>"


def _row(
    row: EventRow, links: _Links, *, show_person: bool, show_target: bool, show_via: bool
) -> str:
    e = row.event
    outcome = _e(_OUTCOMES.get(e.outcome, e.outcome))
    if e.outcome != _SUCCESS:
        outcome = f'<span class="badge badge--error">{outcome}</span>'
    flags = ""
    if e.out_of_scope:
        flags += '<span class="badge badge--warning">担当範囲外</span> '
    if e.break_glass:
        flags += '<span class="badge badge--error">緊急閲覧</span>'
    station = e.station.name if e.station is not None else ""
    return "".join(
        (
            "<tr>\n",
            f'<td class="nowrap">{_e(dates.datetime_ja(e.occurred_at, seconds=True))}</td>',
            _person_cell(row, links) if show_person else "",
            f"<td>{_e(row.role_label or _DASH)}</td>",
            f"<td>{_e(station or _DASH)}</td>",
            f'<td class="nowrap">{_e(_ACTIONS.get(e.action, e.action))}</td>',
            _target_cell(row, links) if show_target else "",
            f"<td>{_e(row.via or 'この対象')}</td>" if show_via else "",
            f"<td>{outcome}</td>",
            f'<td class="numeric">{"" if e.record_count is None else e.record_count}</td>',
            f"<td>{flags}</td>",
            f"<td>{_e(e.summary)}</td>",
            f'<td class="nowrap">{_e(e.client_ip or _DASH)}</td>',
            "\n</tr>",
        )
    )


@register.simple_tag
def audit_event_rows(
    rows: Iterable[EventRow],
    show_person: bool = False,
    show_target: bool = False,
    show_via: bool = False,
) -> SafeString:
    """Every row's <tr>, in the order given. The flags are _event_table.html's."""
    links = _Links()
    flags = {
        "show_person": bool(show_person),
        "show_target": bool(show_target),
        "show_via": bool(show_via),
    }
    # Every value above went through escape(); the rest is constant markup.
    return mark_safe("\n".join(_row(row, links, **flags) for row in rows))  # noqa: S308
