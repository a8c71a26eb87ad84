"""The inbox's menu entry and home panels: what waits in each department the user works,
and, for the department's head (課長, 地域課長) and the 署長, the requests past their due
date. Registered by accounts.navigation.register_accounts_entries."""

from __future__ import annotations

from typing import Any

from accounts import permissions
from accounts.models import Role, User
from accounts.navigation import HomePanel, NavEntry, register_nav, register_panel

from . import selectors

# Roles that work a department without naming one (accounts.permissions.departments_for).
_DEPARTMENT_ROLES = frozenset(
    {Role.STATION_MANAGER, Role.CHIEF, Role.SUPERVISOR, Role.BEAT_OFFICER}
)


def may_have_inbox(user: User) -> bool:
    """The menu entry, on every page: from the appointments the page has already read (no
    query of its own). The inbox page itself says when no department is found."""
    return any(
        (a.station_id or a.post_id) and (a.department_id or a.role in _DEPARTMENT_ROLES)
        for a in permissions.active_appointments(user)
    )


def works_a_department(user: User) -> bool:
    return bool(may_have_inbox(user) and selectors.inbox_departments(user=user))


def inbox_panel(user: User) -> dict[str, Any]:
    return {"departments": selectors.inbox_counts(user=user)}


def _overdue(user: User) -> tuple[list, int]:
    cache = user.__dict__
    if "_inbox_overdue" not in cache:
        cache["_inbox_overdue"] = selectors.inbox_overdue_list(user=user)
    return cache["_inbox_overdue"]


def has_overdue(user: User) -> bool:
    return bool(may_have_inbox(user) and _overdue(user)[1])


def overdue_panel(user: User) -> dict[str, Any]:
    items, total = _overdue(user)
    return {"items": items, "total": total, "more": total - len(items)}


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
    register_panel(
        HomePanel(
            "課の対応事項",
            "accounts/inbox/panel_counts.html",
            works_a_department,
            inbox_panel,
            order=14,
        )
    )
