"""Menu entry of the officer's own figures and notes (指導・評価)."""

from accounts import permissions
from accounts.models import Beat
from accounts.navigation import NavEntry, register_nav


def _records_visits(user) -> bool:
    return permissions.holds_anywhere(user, "record_visits", Beat)


def register() -> None:
    register_nav(NavEntry("実績と指導・評価", "liaison:my_figures", _records_visits, order=42))
