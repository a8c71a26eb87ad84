"""Menu entry 「あんしんメール」 for whoever holds an alert desk, and the home panel
「承認待ちの配信」: the steps waiting at the user's desks, 「直ちに」 first."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.navigation import HomePanel, NavEntry, register_nav, register_panel
from alerts.drafts import selectors
from alerts.drafts.views.common import works_alerts

PANEL_LIMIT = 10


def _waiting(user: User) -> list:
    cache = user.__dict__
    if "_alerts_waiting" not in cache:
        # Those who hold no alert desk (most of the force) pay no query here.
        steps = selectors.inbox_steps(user) if works_alerts(user) else []
        cache["_alerts_waiting"] = steps
    return cache["_alerts_waiting"]


def has_alerts_waiting(user: User) -> bool:
    return bool(user.is_authenticated and _waiting(user))


def waiting_panel(user: User) -> dict[str, Any]:
    steps = _waiting(user)
    return {"steps": steps[:PANEL_LIMIT], "more": len(steps) > PANEL_LIMIT}


def register() -> None:
    register_nav(NavEntry("あんしんメール", "alerts:alert_list", works_alerts, 50))
    register_panel(
        HomePanel(
            "承認待ちの配信",
            "alerts/drafts/panels/waiting.html",
            has_alerts_waiting,
            waiting_panel,
            order=8,
        )
    )
