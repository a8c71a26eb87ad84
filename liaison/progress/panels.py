"""Menu entries of the progress pages and plans, and the home panel of the progress figures
for those who review them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts import permissions
from accounts.models import Beat, Station, User
from accounts.navigation import HomePanel, NavEntry, register_nav, register_panel
from accounts.utils import dates
from liaison.progress import selectors as progress_selectors

# Above this many stations the home panel shows the sum and a link, not a row per station.
PANEL_STATION_ROWS = 3


# --- Home panel ----------------------------------------------------------------------------------
def progress_panel(user: User) -> dict[str, Any]:
    """「巡回連絡の進捗」 on a reviewer's home page: this month's coverage and overdue of his
    stations, grouped by station in the selector's fixed four queries."""
    today = timezone.localdate()
    rows = progress_selectors.hq_progress_get(
        user=user, month=dates.month_first(today), today=today
    )
    total = progress_selectors.Progress()
    for _, progress in rows:
        total.add(progress)
    return {
        "rows": rows if len(rows) <= PANEL_STATION_ROWS else [],
        "station_count": len(rows),
        "total": total,
        "month_label": dates.month_ja(dates.month_first(today)),
    }


def _reviews_progress(user) -> bool:
    return permissions.holds_anywhere(user, "review_progress", Station)


def _records_visits(user) -> bool:
    return permissions.holds_anywhere(user, "record_visits", Beat)


def register() -> None:
    register_nav(NavEntry("進捗管理", "liaison:progress_home", _reviews_progress, order=40))
    register_nav(NavEntry("巡回連絡の計画", "liaison:my_plans", _records_visits, order=41))
    register_panel(
        HomePanel(
            "巡回連絡の進捗",
            "liaison/progress/panels/progress_summary.html",
            _reviews_progress,
            progress_panel,
            order=25,
        )
    )
