"""Menu entry 「発信操作担当者の指定」 for the 生活安全企画課長 (seed 003 6⑴)."""

from __future__ import annotations

from accounts.navigation import NavEntry, register_nav

from . import policy


def register() -> None:
    register_nav(NavEntry("発信操作担当者の指定", "alerts:operator_list", policy.may_designate, 55))
