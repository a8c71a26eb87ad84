"""Menu entry of the network's overview."""

from __future__ import annotations

from accounts.navigation import NavEntry, register_nav
from network.overview import policy


def register() -> None:
    register_nav(NavEntry("ネットワークの状況", "network:overview", policy.may_review, 48))
