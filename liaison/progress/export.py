"""The CSV of a station's progress figures, safe against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A name that starts like a formula must stay text in Excel.
    return "'" + text if text.startswith(_FORMULA_START) else text


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


def progress_csv(figures, plans: dict[int, MonthlyPlan]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for beat, progress in figures.beats:
        writer.writerow(
            ["受持区", _cell(beat.post.name), _cell(beat.name), "", "", *_figures(progress)]
        )
    total = figures.total
    planned = sum(plan.planned_households for plan in plans.values())
    writer.writerow(["合計", "", "", "", planned if plans else "", *_figures(total)])
    for officer, progress in figures.officers:
        plan = plans.get(officer.pk)
        writer.writerow(
            [
                "受持警察官",
                "",
                _cell(officer.full_name),
                _cell(officer.employee_number),
                plan.planned_households if plan else "",
                *_figures(progress),
            ]
        )
    return "\ufeff" + out.getvalue()
