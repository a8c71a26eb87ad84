"""Months as the progress pages show them: the first day, so many months on, 「2026年4月」."""

from __future__ import annotations

import datetime as dt

from accounts import dates


def month_first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_add(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_label(month: dt.date) -> str:
    return dates.month_ja(month)
