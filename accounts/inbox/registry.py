"""The department inbox's registry (地域安全ネットワーク 3⑴ウ, 要領 第3-2(3)).

A request for a department of a station comes from a feature app: a 巡回連絡 visit's
follow-up (liaison), a request heard in an exchange or a 地域安全の会 (network). accounts
imports none of them: each registers an InboxSource from its AppConfig.ready(), and the
inbox page and its home panel (accounts.inbox) compose them.

A source answers for a set of departments only: the inbox asks it for the departments the
user works (accounts.permissions.departments_for), so a source never widens anyone's view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from accounts.models import Department


@dataclass(frozen=True)
class InboxItem:
    """One request as the inbox shows it: what to do, not whose data it concerns."""

    source: str  # the registering source's key
    pk: int
    department_id: int
    raised_on: dt.date
    due_on: dt.date | None
    title: str  # 「巡回連絡での要望（駅前交番 第1受持区）」
    text: str  # what the department is asked to do
    url: str  # the source's own page, where the request is read and closed
    closed_at: dt.datetime | None = None
    closed_by: str = ""
    action_taken: str = ""

    def is_overdue(self, today: dt.date) -> bool:
        return self.closed_at is None and self.due_on is not None and self.due_on < today


@dataclass(frozen=True)
class InboxSource:
    key: str
    label: str  # 「巡回連絡の対応事項」「連絡員からの要望」
    # (departments, open_only, limit) -> items, newest raised first; at most `limit`.
    items: Callable[[Sequence[Department], bool, int], list[InboxItem]]
    # departments -> {department_id: (open, overdue)} as of today (Tokyo).
    counts: Callable[[Sequence[Department]], dict[int, tuple[int, int]]]


_sources: dict[str, InboxSource] = {}


def register_inbox_source(source: InboxSource) -> None:
    _sources.setdefault(source.key, source)


def inbox_sources() -> list[InboxSource]:
    return list(_sources.values())
