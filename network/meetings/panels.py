"""Menu entry of 地域安全の会, for the staff of a station."""

from __future__ import annotations

from accounts.navigation import NavEntry, register_nav
from network.meetings.policy import may_read


def register() -> None:
    register_nav(NavEntry("地域安全の会", "network:meeting_list", may_read, order=47))
