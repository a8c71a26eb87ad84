"""Menu entries of planning (worklist, 専従日, visit-frequency policy) and the home panel of
the officer's worklist figures."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts import permissions
from accounts.models import Beat, Station
from accounts.navigation import HomePanel, NavEntry, register_nav, register_panel
from liaison.planning import worklist as planning_worklist
from liaison.visits import selectors as visits_selectors


def worklist_panel(user) -> dict[str, Any]:
    """「巡回連絡の予定」 on a beat officer's home page: his beats' 要訪問・期限超過, counted
    as his worklist and the progress page count them."""
    figures = planning_worklist.worklist_figures_get(user=user, today=timezone.localdate())
    return {
        "figures": figures,
        "follow_ups": visits_selectors.follow_up_open_list(user=user).count(),
    }


def records_visits(user) -> bool:
    return permissions.holds_anywhere(user, "record_visits", Beat)


def _reads_policy(user) -> bool:
    # Kept to what the home page already asks (cached per request): HQ (地域部長,
    # 統括管理責任者) and the reviewers of progress. Officers reach it from their worklist.
    return permissions.holds_anywhere(user, "review_progress", Station)


def _sets_dedicated_days(user) -> bool:
    return permissions.holds_anywhere(user, "set_dedicated_days", Station)


def register() -> None:
    register_nav(NavEntry("巡回連絡の予定（ワークリスト）", "liaison:worklist", records_visits, 30))
    register_nav(NavEntry("専従日", "liaison:dedicated_days_mine", _sets_dedicated_days, 37))
    register_nav(NavEntry("実施頻度", "liaison:visit_policy", _reads_policy, order=38))
    register_panel(
        HomePanel(
            "巡回連絡の予定",
            "liaison/planning/panels/worklist_summary.html",
            records_visits,
            worklist_panel,
            order=22,
        )
    )
