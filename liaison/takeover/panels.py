"""Menu entry and home panel of 受持区の引継ぎ: takeovers waiting for confirmation."""

from __future__ import annotations

from typing import Any

from accounts import permissions
from accounts.models import Beat, Post, Station
from accounts.navigation import HomePanel, NavEntry, register_nav, register_panel
from liaison.takeover.selectors import PANEL_LIMIT, takeover_pending_list


def may_list_takeovers(user) -> bool:
    """Beat officers, their 取扱責任者, and the reviewers who read cards (not the 地域部長,
    who reviews figures only: the takeover pages list residents)."""
    return (
        permissions.holds_anywhere(user, "record_visits", Beat)
        or permissions.holds_anywhere(user, "supervise_post", Post)
        or (
            permissions.holds_anywhere(user, "review_progress", Station)
            and permissions.holds_anywhere(user, "view_beat_cards", Beat)
        )
    )


def has_pending_takeovers(user) -> bool:
    if not (
        permissions.holds_anywhere(user, "record_visits", Beat)
        or permissions.holds_anywhere(user, "supervise_post", Post)
    ):
        return False
    return bool(takeover_pending_list(user))


def takeover_panel(user) -> dict[str, Any]:
    pending = takeover_pending_list(user)
    shown = pending[:PANEL_LIMIT]
    return {
        "mine": [a for a in shown if a.officer_id == user.pk],
        "others": [a for a in shown if a.officer_id != user.pk],
        "more": len(pending) > PANEL_LIMIT,
    }


def register() -> None:
    register_nav(NavEntry("引継ぎ", "liaison:takeover_list", may_list_takeovers, order=36))
    register_panel(
        HomePanel(
            "受持区の引継ぎ",
            "liaison/takeover/panels/work_takeover.html",
            has_pending_takeovers,
            takeover_panel,
            order=8,
        )
    )
