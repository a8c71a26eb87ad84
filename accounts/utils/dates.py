"""Dates and times as an officer reads them: one copy for every page, export and print.

Times are stored in UTC; whatever a person sees is Tokyo time, so every function here turns
an aware datetime into Tokyo time before it takes a date or a clock time from it (never
`.date()` of a UTC value: 00:59 on 5 December in Tokyo is still the 4th in UTC).

Dates are written without zero padding (2026年12月5日), times on the 24-hour clock with
minutes padded (9:05 reads as 09:05, as the paper forms print it). Paper forms use 和暦
(令和8年12月5日), and residents give a date of birth that way, so 和暦 comes from a table of
eras here (tested against `japanera` in tests/accounts/test_dates.py).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from django.utils import timezone

WEEKDAYS = "月火水木金土日"


class Era(NamedTuple):
    name: str
    starts_on: dt.date


# The modern eras, newest first. Before 明治 a date is written in 西暦 only.
ERAS = (
    Era("令和", dt.date(2019, 5, 1)),
    Era("平成", dt.date(1989, 1, 8)),
    Era("昭和", dt.date(1926, 12, 25)),
    Era("大正", dt.date(1912, 7, 30)),
    Era("明治", dt.date(1868, 1, 25)),
)


def local(value: dt.datetime) -> dt.datetime:
    """Tokyo time of an aware datetime; a naive one is taken to be Tokyo time already."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def local_date(value: dt.date | dt.datetime) -> dt.date:
    """The Tokyo date of a datetime (a date stays as it is)."""
    if isinstance(value, dt.datetime):
        return local(value).date()
    return value


def _weekday(day: dt.date) -> str:
    return f"（{WEEKDAYS[day.weekday()]}）"


def date_ja(
    value: dt.date | dt.datetime | None, *, year: bool = True, weekday: bool = False
) -> str:
    """2026年12月5日 (12月5日 without the year, 2026年12月5日（土） with the weekday);
    empty for no date."""
    if value is None or value == "":
        return ""
    day = local_date(value)
    text = f"{day.month}月{day.day}日"
    if year:
        text = f"{day.year}年{text}"
    return text + _weekday(day) if weekday else text


def time_ja(value: dt.time | dt.datetime | None, *, seconds: bool = False) -> str:
    """15:04 (15:04:05 with seconds), Tokyo time for a datetime; empty for none."""
    if value is None or value == "":
        return ""
    clock = local(value) if isinstance(value, dt.datetime) else value
    text = f"{clock.hour:02d}:{clock.minute:02d}"
    return f"{text}:{clock.second:02d}" if seconds else text


def datetime_ja(value: dt.datetime | None, *, year: bool = True, seconds: bool = False) -> str:
    """2026年12月5日 15:04 in Tokyo time (12月5日 15:04 without the year)."""
    if value is None or value == "":
        return ""
    when = local(value)
    return f"{date_ja(when, year=year)} {time_ja(when, seconds=seconds)}"


def month_ja(value: dt.date | dt.datetime | None) -> str:
    """2026年12月."""
    if value is None or value == "":
        return ""
    day = local_date(value)
    return f"{day.year}年{day.month}月"


# --- 和暦 ----------------------------------------------------------------------------------


def era_of(value: dt.date | dt.datetime) -> tuple[str, int] | None:
    """(元号, 年): 令和 8 for 2026-12-05; None before 明治."""
    day = local_date(value)
    for era in ERAS:
        if day >= era.starts_on:
            return era.name, day.year - era.starts_on.year + 1
    return None


def _era_year(name: str, year: int) -> str:
    return f"{name}{'元' if year == 1 else year}年"


def wareki_year(value: dt.date | dt.datetime | None) -> str:
    """令和8年, 令和元年; the 西暦 year before 明治; empty for no date."""
    if value is None or value == "":
        return ""
    era = era_of(value)
    return _era_year(*era) if era else f"{local_date(value).year}年"


def wareki(value: dt.date | dt.datetime | None, *, weekday: bool = False) -> str:
    """令和8年12月5日 (令和元年5月1日 for the first year), as the paper forms write a date."""
    if value is None or value == "":
        return ""
    day = local_date(value)
    if era_of(day) is None:
        return date_ja(day, weekday=weekday)
    text = f"{wareki_year(day)}{day.month}月{day.day}日"
    return text + _weekday(day) if weekday else text


def wareki_short(value: dt.date | dt.datetime | None) -> str:
    """令和8.12.5: a narrow column of a printed list (the route sheet)."""
    if value is None or value == "":
        return ""
    day = local_date(value)
    era = era_of(day)
    if era is None:
        return f"{day.year}.{day.month}.{day.day}"
    return f"{era[0]}{era[1]}.{day.month}.{day.day}"


def wareki_datetime(value: dt.datetime | None) -> str:
    """令和8年12月5日 15:04 in Tokyo time: the time a sheet was printed."""
    if value is None or value == "":
        return ""
    when = local(value)
    return f"{wareki(when)} {time_ja(when)}"


def birth_date_ja(value: dt.date | None) -> str:
    """1960年5月1日（昭和35年）: the 西暦 with the 和暦 year beside it, since residents give
    their date of birth in 和暦."""
    if value is None or value == "":
        return ""
    era = era_of(value)
    text = date_ja(value)
    return f"{text}（{_era_year(*era)}）" if era else text


# --- Files a spreadsheet reads ---------------------------------------------------------------


def duration_ja(value: dt.timedelta) -> str:
    """A span as an officer says it: 30分, 12時間, 1時間30分, 3日4時間; under a minute
    「1分未満」 (never negative). The session limits and an alert's waits alike."""
    minutes = max(0, int(value.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}日{hours}時間" if hours else f"{days}日"
    if hours:
        return f"{hours}時間{mins}分" if mins else f"{hours}時間"
    return f"{mins}分" if mins else "1分未満"


def date_iso(value: dt.date | dt.datetime | None) -> str:
    """2026-12-05 (the Tokyo date of a datetime): CSV cells that Excel reads as dates."""
    if value is None or value == "":
        return ""
    return local_date(value).isoformat()


def datetime_iso(value: dt.datetime | None) -> str:
    """2026-12-05 15:04:05 in Tokyo time: CSV cells that Excel reads as date and time."""
    if value is None or value == "":
        return ""
    return local(value).strftime("%Y-%m-%d %H:%M:%S")


# --- Months: progress, plans, reports ----------------------------------------------------------

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_add(month: dt.date, count: int) -> dt.date:
    """The first of the month `count` months on (back when negative)."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_value(month: dt.date) -> str:
    """「2026-04」: a month in a URL or a month picker."""
    return f"{month:%Y-%m}"


def parse_month(value: str | None) -> dt.date | None:
    """'YYYY-MM' → the first of that month; None for anything else (year 2000–2100)."""
    match = MONTH_PATTERN.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in Tokyo time: the instants a query compares."""
    tz = timezone.get_default_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first instant, first instant of the next month) in Tokyo time."""
    first = month_first(month)
    return period_bounds(first, months_add(first, 1) - dt.timedelta(days=1))
