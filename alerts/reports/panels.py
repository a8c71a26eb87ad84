"""Menu entry 「あんしんメールの統計」 for the 運用総括管理者, 運用管理者 and 運用責任者."""

from __future__ import annotations

from accounts.navigation import NavEntry, register_nav

from . import policy


def register() -> None:
    register_nav(
        NavEntry("あんしんメールの統計", "alerts:report_index", policy.may_view_reports, 56)
    )
