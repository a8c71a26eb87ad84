"""Menu entry of 署長指示."""

from __future__ import annotations

from accounts import permissions
from accounts.models import Station, User
from accounts.navigation import NavEntry, register_nav


def issues_instructions(user: User) -> bool:
    return permissions.holds_anywhere(user, "instruct_visits", Station)


def register() -> None:
    register_nav(
        NavEntry("署長指示", "liaison:station_instructions_mine", issues_instructions, order=39)
    )
