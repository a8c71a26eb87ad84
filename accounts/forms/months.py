"""A month typed as 「2026-04」: one parser for every app (accounts is the ground floor)."""

from __future__ import annotations

import datetime as dt
import re

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(value: str | None) -> dt.date | None:
    """'YYYY-MM' → the first of that month; None for anything else (year 2000–2100)."""
    match = MONTH_PATTERN.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)
