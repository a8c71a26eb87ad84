"""Menu entry of the bulletin shelf, for whoever reads or publishes it."""

from __future__ import annotations

from accounts.navigation import NavEntry, register_nav
from network.bulletins.policy import may_read_shelf


def register() -> None:
    register_nav(NavEntry("地域安全情報", "network:bulletin_list", may_read_shelf, order=46))
