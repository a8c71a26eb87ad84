"""The inbox's menu entry and home panels: what waits in each department the user works,
and, for the department's head (課長, 地域課長) and the 署長, the requests past their due
date. Registered by accounts.navigation.register_accounts_entries.

The home page is opened many times a day: both panels share one reading (the departments,
one count query per source, the departments headed, and the overdue items only when there
are some); the menu entry reads nothing of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accounts import permissions
from accounts.models import Department, Role, User
from accounts.navigation import HomePanel, NavEntry, register_nav, register_panel

from . import selectors
from .registry import InboxItem

# Roles that work a department without naming one (accounts.permissions.departments_for),
# and those that may head one (departments_headed).
_DEPARTMENT_ROLES = frozenset(
    {Role.STATION_MANAGER, Role.CHIEF, Role.SUPERVISOR, Role.BEAT_OFFICER}
)
_HEAD_ROLES = frozenset({Role.STATION_MANAGER, Role.CHIEF, Role.DEPARTMENT_HEAD})
OVERDUE_SHOWN = 10


def may_have_inbox(user: User) -> bool:
    """The menu entry, on every page: from the appointments the page has already read (no
    query of its own). The inbox page itself says when no department is found."""
    return any(
        (a.station_id or a.post_id) and (a.department_id or a.role in _DEPARTMENT_ROLES)
        for a in permissions.active_appointments(user)
    )


@dataclass(frozen=True)
class HomeInbox:
    departments: list[selectors.DepartmentCounts]
    overdue: list[tuple[Department, InboxItem]]
    overdue_total: int

    @property
    def open_total(self) -> int:
        return sum(row.counts.open for row in self.departments)


def home_inbox(user: User) -> HomeInbox:
    cache = user.__dict__
    if "_home_inbox" not in cache:
        rows = selectors.inbox_counts(user=user) if may_have_inbox(user) else []
        heads = any(a.role in _HEAD_ROLES for a in permissions.active_appointments(user))
        headed = selectors.inbox_headed_ids(user=user) if rows and heads else set()
        late = [r for r in rows if r.department.pk in headed and r.counts.overdue]
        total = sum(r.counts.overdue for r in late)
        items = (
            selectors.inbox_overdue_items([r.department for r in late], limit=OVERDUE_SHOWN)
            if total
            else []
        )
        cache["_home_inbox"] = HomeInbox(rows, items, total)
    return cache["_home_inbox"]


def has_open(user: User) -> bool:
    return home_inbox(user).open_total > 0


def inbox_panel(user: User) -> dict[str, Any]:
    return {"departments": home_inbox(user).departments}


def has_overdue(user: User) -> bool:
    return home_inbox(user).overdue_total > 0


def overdue_panel(user: User) -> dict[str, Any]:
    inbox = home_inbox(user)
    return {
        "items": inbox.overdue,
        "total": inbox.overdue_total,
        "more": inbox.overdue_total - len(inbox.overdue),
    }


def register() -> None:
    register_nav(NavEntry("課の対応事項", "accounts:inbox", may_have_inbox, order=15))
    register_panel(
        HomePanel(
            "期限を過ぎた対応事項",
            "accounts/inbox/panel_overdue.html",
            has_overdue,
            overdue_panel,
            order=12,
        )
    )
    # Shown when something waits: the home page lists what waits for this person.
    register_panel(
        HomePanel(
            "課の対応事項", "accounts/inbox/panel_counts.html", has_open, inbox_panel, order=14
        )
    )
