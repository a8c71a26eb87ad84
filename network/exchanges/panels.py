"""Menu entry of exchanges, for the staff of a station (every department records them)."""

from __future__ import annotations

from accounts.navigation import NavEntry, register_nav
from network.exchanges.policy import may_record


def _records(user) -> bool:
    return may_record(user)


def register() -> None:
    register_nav(NavEntry("情報交換", "network:exchange_list", _records, order=45))
