"""What every report of あんしんメールの統計 is made of: the period (whole Tokyo months) and
the Table the page, its chart and the CSV download all read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from accounts.utils import dates


@dataclass(frozen=True)
class Period:
    """Whole months, from `start` to `end` (firsts of months, Tokyo)."""

    start: dt.date
    end: dt.date

    @property
    def months(self) -> list[dt.date]:
        found, month = [], self.start
        while month <= self.end:
            found.append(month)
            month = dates.months_add(month, 1)
        return found

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return dates.period_bounds(self.start, dates.months_add(self.end, 1) - dt.timedelta(days=1))

    @property
    def label(self) -> str:
        if self.start == self.end:
            return dates.month_ja(self.start)
        return f"{dates.month_ja(self.start)}から{dates.month_ja(self.end)}まで"


@dataclass(frozen=True)
class Table:
    """One table of figures: what the page shows, a chart draws and a CSV holds."""

    key: str
    caption: str
    header: list[str]
    rows: list[list[Any]]
    note: str = ""
    numeric_from: int = 1  # columns from this one on are figures (right-aligned)


@dataclass
class Report:
    period: Period
    scope_label: str = ""
    tables: dict[str, Table] = field(default_factory=dict)
    # Figures a chart draws, by table key.
    series: dict[str, Any] = field(default_factory=dict)


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def month_of(value: dt.datetime | dt.date) -> dt.date:
    """The first of the Tokyo month of a TruncMonth result."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)
