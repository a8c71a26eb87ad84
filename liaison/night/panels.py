"""Menu entry and home panel of 夜間巡回連絡: the requests waiting for a decision."""

from __future__ import annotations

from typing import Any

from accounts import permissions
from accounts.models import Beat, Station, User
from accounts.navigation import HomePanel, NavEntry, register_nav, register_panel
from liaison.night import selectors as night_selectors
from liaison.night.models import NightVisitRequest

PANEL_LIMIT = 10


# --- Home panel ------------------------------------------------------------------------------
def _waiting(user: User) -> list[NightVisitRequest]:
    """One query per request: the panel's predicate and its context share it. One more row
    than shown tells whether there are more."""
    cache = user.__dict__
    if "_night_requests_waiting" not in cache:
        rows: list[NightVisitRequest] = []
        # The 地域課長等 also reviews progress, a question the menu asks anyway (cached): the
        # many who hold neither pay nothing for this panel.
        if permissions.holds_anywhere(
            user, "review_progress", Station
        ) and permissions.holds_anywhere(user, "approve_night_visits", Station):
            rows = list(night_selectors.night_request_waiting_list(user=user)[: PANEL_LIMIT + 1])
        cache["_night_requests_waiting"] = rows
    return cache["_night_requests_waiting"]


def has_night_requests_waiting(user: User) -> bool:
    return bool(user.is_authenticated and _waiting(user))


def night_waiting_panel(user: User) -> dict[str, Any]:
    rows = _waiting(user)
    return {"waiting": rows[:PANEL_LIMIT], "more": len(rows) > PANEL_LIMIT}


def uses_night_requests(user: User) -> bool:
    """The menu entry: for those who record visits, and for those who read the station's
    requests (the 地域課長等, who decides them, the 署長, the 統括管理責任者; not the 地域部長,
    who reads no card). These questions are asked by other entries of the menu too (cached
    per request): the entry costs no query."""
    return permissions.holds_anywhere(user, "record_visits", Beat) or (
        permissions.holds_anywhere(user, "review_progress", Station)
        and permissions.holds_anywhere(user, "view_beat_cards", Beat)
    )


def register() -> None:
    register_nav(NavEntry("夜間巡回連絡", "liaison:night_request_list", uses_night_requests, 24))
    # Shown only while something waits, as the notices are: one query, shared by the
    # predicate and the context.
    register_panel(
        HomePanel(
            "夜間巡回連絡の承認待ち",
            "liaison/night/panels/night_waiting.html",
            has_night_requests_waiting,
            night_waiting_panel,
            order=7,
        )
    )
