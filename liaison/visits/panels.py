"""Menu entry and home panel of the visits outside hours waiting to be acknowledged."""

from __future__ import annotations

from typing import Any

from accounts import permissions
from accounts.models import Station, User
from accounts.navigation import HomePanel, NavEntry, register_nav, register_panel
from liaison.visits import selectors

PANEL_LIMIT = 10


# --- Home panel: shown only while something waits -----------------------------------------
def _waiting(user: User) -> list:
    cache = user.__dict__
    if "_visit_hours_waiting" not in cache:
        rows: list = []
        # Asked by the menu too (cached): those who approve nothing pay no query here.
        if permissions.holds_anywhere(user, "approve_night_visits", Station):
            rows = list(selectors.visit_hours_list(user=user, state="waiting")[: PANEL_LIMIT + 1])
        cache["_visit_hours_waiting"] = rows
    return cache["_visit_hours_waiting"]


def has_visit_hours_waiting(user: User) -> bool:
    return bool(user.is_authenticated and _waiting(user))


def visit_hours_panel(user: User) -> dict[str, Any]:
    rows = _waiting(user)
    return {"waiting": rows[:PANEL_LIMIT], "more": len(rows) > PANEL_LIMIT}


def approves_night_visits(user: User) -> bool:
    return permissions.holds_anywhere(user, "approve_night_visits", Station)


def register() -> None:
    register_nav(
        NavEntry("時間外の巡回連絡", "liaison:visit_hours_list", approves_night_visits, 25)
    )
    register_panel(
        HomePanel(
            "時間外の巡回連絡（確認待ち）",
            "liaison/visits/panels/hours_waiting.html",
            has_visit_hours_waiting,
            visit_hours_panel,
            order=7,
        )
    )
