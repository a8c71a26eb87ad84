"""Menu entry of 緊急閲覧."""

from accounts import permissions
from accounts.models import Station
from accounts.navigation import NavEntry, register_nav


def _may_break_glass(user) -> bool:
    return permissions.holds_anywhere(user, "break_glass", Station)


def register() -> None:
    register_nav(NavEntry("緊急閲覧", "liaison:break_glass", _may_break_glass, order=29))
