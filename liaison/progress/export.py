"""The rows of a station's progress figures as CSV (written by accounts.utils.exports)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from liaison.planning.models import MonthlyPlan

# --- CSV ---------------------------------------------------------------------------------------
CSV_HEADER = [
    "区分",
    "交番・駐在所",
    "受持区・受持警察官",
    "職員番号",
    "計画戸数",
    "対象件数",
    "周期内に実施",
    "実施率（%）",
    "要訪問",
    "期限超過",
    "当月の巡回連絡",
    "うち夜間",
    "うち専従日",
    "未了の対応",
]


def _figures(progress) -> list[Any]:
    return [
        progress.to_visit,
        progress.visited,
        progress.coverage,
        progress.due,
        progress.overdue,
        progress.visits,
        progress.night_visits,
        progress.dedicated_visits,
        progress.follow_ups_open,
    ]


def progress_rows(figures, plans: dict[int, MonthlyPlan]) -> Iterator[list[Any]]:
    """Per beat, the station's total, then per officer, in CSV_HEADER order."""
    for beat, progress in figures.beats:
        yield ["受持区", beat.post.name, beat.name, "", "", *_figures(progress)]
    planned = sum(plan.planned_households for plan in plans.values())
    yield ["合計", "", "", "", planned if plans else "", *_figures(figures.total)]
    for officer, progress in figures.officers:
        plan = plans.get(officer.pk)
        yield [
            "受持警察官",
            "",
            officer.full_name,
            officer.employee_number,
            plan.planned_households if plan else "",
            *_figures(progress),
        ]
