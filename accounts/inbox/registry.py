"""The department inbox's registry (地域安全ネットワーク 3⑴ウ, 要領 第3-2(3)).

A request for a department of a station comes from a feature app: a 巡回連絡 visit's
follow-up (liaison), a request heard in an exchange or a 地域安全の会 (network). accounts
imports none of them: each registers an InboxSource from its AppConfig.ready(), and the
inbox page and its home panel (accounts.inbox) compose them.

A source answers for a set of departments only: the inbox asks it for the departments the
user works (accounts.permissions.departments_for), so a source never widens anyone's view.
Every source orders its items alike (`sort_key`), so that the inbox can merge the first
items of each into one list and page through it with one query per source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from accounts.models import Department

# The states an inbox lists, with their labels. 期限超過 is open and past its due date.
OPEN = "open"
OVERDUE = "overdue"
CLOSED = "closed"
STATES: dict[str, str] = {OPEN: "未対応", OVERDUE: "期限超過", CLOSED: "対応済み"}


@dataclass(frozen=True)
class InboxItem:
    """One request as the inbox shows it: what to do, not whose data it concerns."""

    source: str  # the registering source's key
    pk: int
    department_id: int
    raised_on: dt.date
    due_on: dt.date | None  # None: the source sets no due date (never overdue)
    title: str  # 「巡回連絡での要望（駅前交番 第1受持区）」
    text: str  # what the department is asked to do
    url: str  # the source's own page, where the request is read and closed
    closed_at: dt.datetime | None = None
    closed_by: str = ""
    action_taken: str = ""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def is_overdue(self, today: dt.date) -> bool:
        return self.closed_at is None and self.due_on is not None and self.due_on < today


def sort_key(item: InboxItem, state: str) -> tuple:
    """The inbox's order, which every source's query follows: open and overdue requests by
    due date (those without one last), then the oldest raised first; closed ones the latest
    closed first."""
    if state == CLOSED:
        closed = item.closed_at.timestamp() if item.closed_at else 0.0
        return (-closed, item.source, -item.pk)
    return (item.due_on or dt.date.max, item.raised_on, item.source, item.pk)


@dataclass(frozen=True)
class InboxCounts:
    open: int = 0
    overdue: int = 0
    closed: int = 0

    def __add__(self, other: InboxCounts) -> InboxCounts:
        return InboxCounts(
            self.open + other.open, self.overdue + other.overdue, self.closed + other.closed
        )

    def of(self, state: str) -> int:
        return {OPEN: self.open, OVERDUE: self.overdue, CLOSED: self.closed}.get(state, 0)


@dataclass(frozen=True)
class InboxSource:
    key: str
    label: str  # 「巡回連絡の対応事項」「連絡員からの要望」
    # (departments, state, today, limit) -> the first `limit` items in the state, in the
    # order of `sort_key`; one query whatever the number.
    items: Callable[[Sequence[Department], str, dt.date, int], list[InboxItem]]
    # (departments, today) -> {department_id: counts}; one query.
    counts: Callable[[Sequence[Department], dt.date], dict[int, InboxCounts]]


_sources: dict[str, InboxSource] = {}


def register_inbox_source(source: InboxSource) -> None:
    _sources.setdefault(source.key, source)


def inbox_sources() -> list[InboxSource]:
    return list(_sources.values())
