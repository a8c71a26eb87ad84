"""The SVG bar chart of visits per month on the progress pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from accounts.utils import dates

# --- The trend chart: a server-drawn SVG (no script, no inline style) ----------------------
CHART_WIDTH, CHART_HEIGHT = 720, 260


CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 52, 12, 16, 40


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10^k at or above value (at least 5): round axis ticks."""
    value = max(value, 5)
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


@dataclass
class TrendBar:
    month: dt.date
    label: str
    year: str  # under the first month and under each January
    visits: int
    night: int
    x: float
    visits_y: float
    visits_height: float
    night_x: float
    night_y: float
    night_height: float
    label_x: float


def _trend_chart(rows: list[tuple[dt.date, int, int]]) -> dict[str, Any]:
    top = _nice_ceiling(max((visits for _, visits, _ in rows), default=0))
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    baseline = CHART_TOP + plot_height
    group = plot_width / max(len(rows), 1)
    bar = group * 0.36
    bars = []
    for index, (month, visits, night) in enumerate(rows):
        x = CHART_LEFT + index * group + group * 0.12
        visits_height = plot_height * visits / top
        night_height = plot_height * night / top
        bars.append(
            TrendBar(
                month=month,
                label=f"{month.month}月",
                year=f"{month.year}年" if month.month == 1 or not index else "",
                visits=visits,
                night=night,
                x=round(x, 1),
                visits_y=round(baseline - visits_height, 1),
                visits_height=round(visits_height, 1),
                night_x=round(x + bar + 2, 1),
                night_y=round(baseline - night_height, 1),
                night_height=round(night_height, 1),
                label_x=round(CHART_LEFT + index * group + group / 2, 1),
            )
        )
    # Five steps when the top is a 5 × 10^k (0, 1, … 5; 0, 10, … 50), else two (0, 1, 2).
    step = top // 5 if top % 5 == 0 else top // 2
    ticks = [
        {"value": value, "y": round(baseline - plot_height * value / top, 1)}
        for value in range(0, top + 1, step)
    ]
    first, last = (rows[0][0], rows[-1][0]) if rows else (None, None)
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "baseline": baseline,
        "label_y": baseline + 18,
        "year_y": baseline + 34,
        "bar_width": round(bar, 1),
        "bars": bars,
        "ticks": ticks,
        "period": f"{dates.month_ja(first)}から{dates.month_ja(last)}まで" if first else "",
        "total_visits": sum(visits for _, visits, _ in rows),
        "total_night": sum(night for _, _, night in rows),
    }
