"""Navigation entries and home-page panels, registered by each app.

accounts imports no other app, so the others register here from their AppConfig.ready().
Every predicate asks accounts.permissions; templates never look at roles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from . import permissions


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    allowed: Callable[[Any], bool]
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """A box on the home page listing what waits for this person."""

    title: str
    template: str
    allowed: Callable[[Any], bool]
    context: Callable[[Any], dict[str, Any]] = field(default=lambda user: {})
    order: int = 100


_nav: list[NavEntry] = []
_panels: list[HomePanel] = []


def register_nav(entry: NavEntry) -> None:
    if all(e.url_name != entry.url_name for e in _nav):
        _nav.append(entry)


def register_panel(panel: HomePanel) -> None:
    if all(p.template != panel.template for p in _panels):
        _panels.append(panel)


def nav_for(user) -> list[dict[str, str]]:
    return [
        {"label": e.label, "url": reverse(e.url_name), "url_name": e.url_name}
        for e in sorted(_nav, key=lambda e: e.order)
        if e.allowed(user)
    ]


def panels_for(user) -> list[dict[str, Any]]:
    return [
        {"title": p.title, "template": p.template, **p.context(user)}
        for p in sorted(_panels, key=lambda p: p.order)
        if p.allowed(user)
    ]


def register_accounts_entries() -> None:
    """accounts' own entries; the audit registers its own (accounts.audit.panels)."""
    from . import panels
    from .inbox import panels as inbox_panels
    from .views import notices

    register_nav(NavEntry("ホーム", "accounts:home", lambda u: u.is_authenticated, order=0))
    register_nav(
        NavEntry("職員・役職の管理", "accounts:user_list", permissions.can_manage_appointments, 80)
    )
    register_nav(
        NavEntry(
            "パスワード・認証アプリ", "accounts:password_change", lambda u: u.is_authenticated, 90
        )
    )

    # 課の対応事項 (the department inbox): its menu entry and home panels.
    inbox_panels.register()

    def signed_in(user) -> bool:
        return bool(user.is_authenticated)

    register_panel(
        HomePanel(
            "お知らせ",
            "accounts/panels/notices.html",
            notices.has_unread_notices,
            notices.notices_panel,
            order=5,
        )
    )
    register_panel(
        HomePanel(
            "現在の役職と担当",
            "accounts/panels/my_roles.html",
            signed_in,
            panels.my_roles_panel,
            order=10,
        )
    )
    register_panel(
        HomePanel(
            "担当する巡回連絡簿",
            "accounts/panels/books.html",
            panels.has_books,
            panels.books_panel,
            order=20,
        )
    )
    register_panel(
        HomePanel(
            "発令の予定",
            "accounts/panels/appointments_upcoming.html",
            permissions.can_manage_appointments,
            panels.appointments_upcoming_panel,
            order=30,
        )
    )
    register_panel(
        HomePanel(
            "ロック中のアカウント",
            "accounts/panels/locked_accounts.html",
            permissions.can_manage_appointments,
            panels.locked_accounts_panel,
            order=40,
        )
    )
    register_panel(
        HomePanel(
            "最近のサインイン",
            "accounts/panels/my_sign_ins.html",
            signed_in,
            panels.my_sign_ins_panel,
            order=90,
        )
    )
