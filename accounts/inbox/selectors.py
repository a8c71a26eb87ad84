"""Reads of the department inbox: each source's requests for the departments the user works
(accounts.permissions.departments_for), merged into one list. A department outside them is
a 404, whoever asks; a source is asked for the user's departments only, so it never widens
what anyone sees.

Each source costs one query for its counts and one for its items, whatever their number.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils import timezone

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import Department, User

from .registry import (
    CLOSED,
    OPEN,
    OVERDUE,
    STATES,
    InboxCounts,
    InboxItem,
    inbox_sources,
    sort_key,
)

__all__ = [
    "CLOSED",
    "OPEN",
    "OVERDUE",
    "STATES",
    "DepartmentCounts",
    "InboxList",
    "inbox_counts",
    "inbox_department_get",
    "inbox_departments",
    "inbox_headed_ids",
    "inbox_list",
    "inbox_overdue_items",
    "inbox_overdue_list",
]


def inbox_departments(*, user: User) -> list[Department]:
    """The departments whose inbox the user works, station by station (once per request:
    the menu, the home panels and the page all ask)."""
    cache = user.__dict__
    if "_inbox_departments" not in cache:
        cache["_inbox_departments"] = list(
            permissions.departments_for(user)
            .select_related("station")
            .order_by("station__code", "pk")
        )
    return cache["_inbox_departments"]


def inbox_department_get(*, user: User, pk: int) -> Department:
    department = permissions.departments_for(user).select_related("station").filter(pk=pk).first()
    if department is None:
        raise OutOfScope("accounts.department", str(pk))
    return department


@dataclass(frozen=True)
class DepartmentCounts:
    department: Department
    counts: InboxCounts


def _counts(departments: Sequence[Department], today: dt.date) -> dict[int, InboxCounts]:
    totals: dict[int, InboxCounts] = {d.pk: InboxCounts() for d in departments}
    if not departments:
        return totals
    for source in inbox_sources():
        for department_id, counts in source.counts(departments, today).items():
            if department_id in totals:
                totals[department_id] = totals[department_id] + counts
    return totals


def inbox_counts(*, user: User, today: dt.date | None = None) -> list[DepartmentCounts]:
    """Open, overdue and closed requests of each department the user works."""
    departments = inbox_departments(user=user)
    totals = _counts(departments, today or timezone.localdate())
    return [DepartmentCounts(d, totals[d.pk]) for d in departments]


class InboxList:
    """One department's requests in one state, from every source, as a sequence a Paginator
    pages through: its count from the sources' counts, a page from the first items of each
    source merged in the inbox's order (registry.sort_key)."""

    def __init__(
        self, department: Department, state: str, today: dt.date, counts: InboxCounts
    ) -> None:
        self.department = department
        self.state = state
        self.today = today
        self.total = counts.of(state)

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def _first(self, limit: int) -> list[InboxItem]:
        if limit <= 0:
            return []
        streams = [
            source.items([self.department], self.state, self.today, limit)
            for source in inbox_sources()
        ]
        merged = heapq.merge(*streams, key=lambda item: sort_key(item, self.state))
        return [item for _, item in zip(range(limit), merged, strict=False)]

    def __getitem__(self, index: slice | int) -> list[InboxItem] | InboxItem:
        if isinstance(index, int):
            return self._first(index + 1)[index]
        start, stop = index.start or 0, index.stop if index.stop is not None else self.total
        return self._first(stop)[start:stop]

    def __iter__(self) -> Iterator[InboxItem]:
        return iter(self._first(self.total))


def inbox_list(
    *,
    user: User,
    department: Department | int,
    state: str = OPEN,
    today: dt.date | None = None,
) -> InboxList:
    """A department's requests in a state (open, overdue, closed): 404 for a department
    the user does not work."""
    pk = department.pk if isinstance(department, Department) else department
    found = inbox_department_get(user=user, pk=pk)
    state = state if state in STATES else OPEN
    today = today or timezone.localdate()
    return InboxList(found, state, today, _counts([found], today)[found.pk])


def inbox_overdue_items(
    departments: Sequence[Department], *, limit: int = 10, today: dt.date | None = None
) -> list[tuple[Department, InboxItem]]:
    """The overdue requests of these departments, the most overdue first, at most `limit`."""
    if not departments:
        return []
    today = today or timezone.localdate()
    by_pk = {d.pk: d for d in departments}
    streams = [source.items(departments, OVERDUE, today, limit) for source in inbox_sources()]
    merged = heapq.merge(*streams, key=lambda item: sort_key(item, OVERDUE))
    return [(by_pk[i.department_id], i) for _, i in zip(range(limit), merged, strict=False)]


def inbox_headed_ids(*, user: User) -> set[int]:
    """The departments whose overdue requests stand out to the user (課長, 地域課長, 署長)."""
    return set(permissions.departments_headed(user).values_list("pk", flat=True))


def inbox_overdue_list(
    *, user: User, limit: int = 10, today: dt.date | None = None
) -> tuple[list[tuple[Department, InboxItem]], int]:
    """The overdue requests of the departments the user heads, the most overdue first, at
    most `limit`, and how many there are in all."""
    headed = inbox_headed_ids(user=user)
    rows = [r for r in inbox_counts(user=user, today=today) if r.department.pk in headed]
    total = sum(r.counts.overdue for r in rows)
    if not total:
        return [], 0
    departments = [r.department for r in rows if r.counts.overdue]
    return inbox_overdue_items(departments, limit=limit, today=today), total
