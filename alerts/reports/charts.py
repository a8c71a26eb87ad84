"""Server-drawn SVG charts of the reports (no script, no inline style): bars for counts and
rates per month, lines for subscribers over time. Each chart is drawn from a report Table's
figures, and the template puts that table beside it (templates/alerts/reports/_chart.html),
for screen readers and for reading the numbers."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.utils.charts import nice_ceiling

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 44
# Distinct for colour-blind readers too (Okabe–Ito), and every line also has its name in
# the legend and the table: nothing is told by colour alone.
PALETTE = ("#0031d8", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    x: float
    y: float
    height: float
    label_x: float


@dataclass(frozen=True)
class Line:
    name: str
    colour: str
    points: str  # the polyline's "x,y x,y …"
    dots: list[tuple[float, float, str]]


@dataclass(frozen=True)
class Chart:
    title: str
    summary: str
    ticks: list[tuple[str, float]]
    labels: list[tuple[str, float]]
    bars: list[Bar]
    lines: list[Line]
    bar_width: float = 0
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM
    label_y: float = HEIGHT - BOTTOM + 18


def _scale(top: float) -> tuple[float, list[tuple[str, float]]]:
    plot = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot
    ticks = []
    for index in range(6):
        value = top * index / 5
        text = f"{value:g}"
        ticks.append((text, round(baseline - plot * value / top, 1)))
    return plot, ticks


def _top(values: list[float], fixed: float | None) -> float:
    if fixed is not None:
        return fixed
    return nice_ceiling(int(max(values, default=0) + 0.999))


def bar_chart(
    title: str,
    rows: list[tuple[str, float | None]],
    *,
    unit: str,
    summary: str,
    top: float | None = None,
) -> Chart:
    """One bar per (label, value); a None value (nothing to measure) draws no bar."""
    values = [v for _, v in rows if v is not None]
    top = _top(values, top)
    plot, ticks = _scale(top)
    baseline = TOP + plot
    group = (WIDTH - LEFT - RIGHT) / max(len(rows), 1)
    bars, labels = [], []
    for index, (label, value) in enumerate(rows):
        centre = round(LEFT + index * group + group / 2, 1)
        labels.append((label, centre))
        if value is None:
            continue
        height = round(plot * value / top, 1)
        bars.append(
            Bar(
                label=label,
                text=f"{value:g}{unit}",
                x=round(LEFT + index * group + group * 0.2, 1),
                y=round(baseline - height, 1),
                height=height,
                label_x=centre,
            )
        )
    return Chart(
        title=title,
        summary=summary,
        ticks=ticks,
        labels=labels,
        bars=bars,
        lines=[],
        bar_width=round(group * 0.6, 1),
    )


def line_chart(
    title: str, labels: list[str], series: list[tuple[str, list[int]]], *, summary: str
) -> Chart:
    """One line per (name, values), the values in the order of `labels`."""
    top = _top([v for _, values in series for v in values], None)
    plot, ticks = _scale(top)
    baseline = TOP + plot
    step = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    xs = [round(LEFT + step * index + step / 2, 1) for index in range(len(labels))]
    lines = []
    for index, (name, values) in enumerate(series):
        points = [
            (x, round(baseline - plot * v / top, 1)) for x, v in zip(xs, values, strict=False)
        ]
        lines.append(
            Line(
                name=name,
                colour=PALETTE[index % len(PALETTE)],
                points=" ".join(f"{x},{y}" for x, y in points),
                dots=[
                    (x, y, f"{name} {labels[i]} {values[i]}人") for i, (x, y) in enumerate(points)
                ],
            )
        )
    return Chart(
        title=title,
        summary=summary,
        ticks=ticks,
        labels=list(zip(labels, xs, strict=True)),
        bars=[],
        lines=lines,
    )


def report_charts(report) -> dict[str, Chart]:
    """The charts of the reports page, each drawn from the table of the same key."""
    tables = report.tables
    months = tables["alerts_by_month"]
    steps = tables["timing_steps"]
    delivery = tables["delivery_by_month"]
    series = report.series["subscribers_by_category"]
    short = series["labels"]
    return {
        "alerts_by_month": bar_chart(
            "月別の配信件数",
            [(label, row[1]) for label, row in zip(short, months.rows, strict=True)],
            unit="件",
            summary=f"合計{sum(row[1] for row in months.rows)}件。月ごとの件数は下の表にあります。",
        ),
        "timing_steps": bar_chart(
            "承認の段階ごとの所要時間（中央値、分）",
            [(row[0], row[3]) for row in steps.rows],
            unit="分",
            summary="段階ごとの中央値は下の表にあります。",
        ),
        "subscribers_by_category": line_chart(
            "配信区分別の会員数の推移",
            short,
            series["lines"],
            summary="各月末の会員数。区分ごとの数は下の表にあります。",
        ),
        "delivery_by_month": bar_chart(
            "月別の送信成功率",
            [(label, row[5]) for label, row in zip(short, delivery.rows, strict=True)],
            unit="%",
            top=100,
            summary="月ごとの成功率は下の表にあります（送信のない月は棒がありません）。",
        ),
    }
