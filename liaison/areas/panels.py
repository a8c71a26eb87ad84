"""Menu entry of 管内 (the beats' areas)."""

from accounts import permissions
from accounts.models import Beat
from accounts.navigation import NavEntry, register_nav


def _sets_areas(user) -> bool:
    return permissions.holds_anywhere(user, "set_beat_area", Beat)


def register() -> None:
    register_nav(NavEntry("受持区の区域（管内）", "liaison:beat_area_list", _sets_areas, order=39))
