"""A server-drawn SVG bar chart (no script, no inline style) for pages where a person would
rather look than read; the template templates/components/bar_chart.html draws it and the
same figures as a table beside it, for screen readers and for reading the numbers."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 16, 40


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10^k at or above value (at least 5): round axis ticks."""
    value = max(value, 5)
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    height: float
    label_x: float


@dataclass(frozen=True)
class BarChart:
    title: str
    unit: str
    bars: list[Bar]
    ticks: list[tuple[int, float]]
    bar_width: float
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM
    label_y: float = HEIGHT - BOTTOM + 18

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


def bar_chart(title: str, rows: list[tuple[str, int]], *, unit: str = "件") -> BarChart:
    """One bar per (label, value), in the order given."""
    top = nice_ceiling(max((value for _, value in rows), default=0))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    group = plot_width / max(len(rows), 1)
    width = group * 0.6
    bars = []
    for index, (label, value) in enumerate(rows):
        height = plot_height * value / top
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(LEFT + index * group + group * 0.2, 1),
                y=round(baseline - height, 1),
                height=round(height, 1),
                label_x=round(LEFT + index * group + group / 2, 1),
            )
        )
    step = top // 5 if top % 5 == 0 else top // 2
    ticks = [
        (value, round(baseline - plot_height * value / top, 1)) for value in range(0, top + 1, step)
    ]
    return BarChart(title=title, unit=unit, bars=bars, ticks=ticks, bar_width=round(width, 1))
