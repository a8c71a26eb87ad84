"""Menu entry of the roster, and the keepers' home panel: candidates waiting to be asked."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.navigation import HomePanel, NavEntry, register_nav, register_panel
from network.members import policy, selectors

PANEL_LIMIT = 10


def _waiting(user: User) -> list:
    cache = user.__dict__
    if "_members_waiting" not in cache:
        rows: list = []
        # Asked by the menu's cached permission answer first: those who keep no roster (HQ,
        # other departments) pay no query here.
        if user.is_authenticated and policy.may_keep_somewhere(user):
            rows = list(selectors.members_waiting(user=user)[: PANEL_LIMIT + 1])
        cache["_members_waiting"] = rows
    return cache["_members_waiting"]


def has_candidates_waiting(user: User) -> bool:
    return bool(user.is_authenticated and _waiting(user))


def candidates_panel(user: User) -> dict[str, Any]:
    rows = _waiting(user)
    return {"waiting": rows[:PANEL_LIMIT], "more": len(rows) > PANEL_LIMIT}


def reads_roster(user: User) -> bool:
    return bool(user.is_authenticated and policy.may_list_roster(user))


def register() -> None:
    register_nav(NavEntry("地域安全連絡員", "network:member_list", reads_roster, 40))
    register_panel(
        HomePanel(
            "連絡員の候補者（依頼待ち）",
            "network/members/panels/candidates_waiting.html",
            has_candidates_waiting,
            candidates_panel,
            order=12,
        )
    )
