"""accounts.utils.dates: one way to write a date on every page, export and print — Tokyo time,
no zero padding, 和暦 where paper forms use it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from japanera import EraDate

from accounts.utils import dates

UTC = dt.UTC
# 00:59 on 5 December in Tokyo; still the 4th in UTC.
AFTER_MIDNIGHT = dt.datetime(2026, 12, 4, 15, 59, tzinfo=UTC)


def test_a_datetime_is_written_in_tokyo_time_on_the_tokyo_date():
    assert dates.date_ja(AFTER_MIDNIGHT) == "2026年12月5日"
    assert dates.datetime_ja(AFTER_MIDNIGHT) == "2026年12月5日 00:59"
    assert dates.time_ja(AFTER_MIDNIGHT) == "00:59"
    assert dates.local_date(AFTER_MIDNIGHT) == dt.date(2026, 12, 5)
    assert dates.wareki(AFTER_MIDNIGHT) == "令和8年12月5日"
    assert dates.date_iso(AFTER_MIDNIGHT) == "2026-12-05"
    assert dates.datetime_iso(AFTER_MIDNIGHT) == "2026-12-05 00:59:00"
    # The last minute of the 4th in Tokyo is the 4th, though UTC has it at 14:59.
    before = dt.datetime(2026, 12, 4, 14, 59, tzinfo=UTC)
    assert dates.datetime_ja(before) == "2026年12月4日 23:59"


def test_dates_are_not_zero_padded():
    day = dt.date(2026, 4, 1)
    assert dates.date_ja(day) == "2026年4月1日"
    assert dates.date_ja(day, year=False) == "4月1日"
    assert dates.date_ja(day, weekday=True) == "2026年4月1日（水）"
    assert dates.month_ja(day) == "2026年4月"
    assert dates.datetime_ja(dt.datetime(2026, 4, 1, 0, 5, tzinfo=UTC)) == "2026年4月1日 09:05"
    assert dates.datetime_ja(dt.datetime(2026, 4, 1, 0, 5, 7, tzinfo=UTC), seconds=True) == (
        "2026年4月1日 09:05:07"
    )
    assert dates.time_ja(dt.time(17, 0)) == "17:00"
    for empty in (None, ""):
        assert dates.date_ja(empty) == dates.datetime_ja(empty) == dates.wareki(empty) == ""


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(1926, 12, 25), "昭和元年12月25日"),
        (dt.date(1926, 12, 24), "大正15年12月24日"),
        (dt.date(1912, 7, 30), "大正元年7月30日"),
        (dt.date(1912, 7, 29), "明治45年7月29日"),
        (dt.date(1868, 1, 25), "明治元年1月25日"),
        (dt.date(2026, 12, 5), "令和8年12月5日"),
    ],
)
def test_wareki_at_the_era_boundaries(day, expected):
    assert dates.wareki(day) == expected


def _japanera(day: dt.date) -> tuple[str, int]:
    era_date = EraDate.from_date(day)
    return era_date.era.kanji, era_date.era.calc_relative_year(day)


def _days():
    """Every era's first and last day, and a day every 97 days from 明治 to 2100."""
    edges = []
    for era in dates.ERAS:
        edges += [era.starts_on, era.starts_on - dt.timedelta(days=1)]
    day = dates.ERAS[-1].starts_on
    spaced = []
    while day < dt.date(2100, 1, 1):
        spaced.append(day)
        day += dt.timedelta(days=97)
    return [d for d in edges + spaced if d >= dates.ERAS[-1].starts_on]


def test_the_table_of_eras_agrees_with_japanera():
    days = _days()
    assert len(days) > 800
    for day in days:
        assert dates.era_of(day) == _japanera(day), day


def test_before_meiji_a_date_is_written_in_seireki():
    assert dates.era_of(dt.date(1868, 1, 24)) is None
    assert dates.wareki(dt.date(1868, 1, 24)) == "1868年1月24日"


def test_a_date_of_birth_carries_its_wareki_year():
    assert dates.birth_date_ja(dt.date(1960, 5, 1)) == "1960年5月1日（昭和35年）"
    assert dates.birth_date_ja(dt.date(2019, 5, 1)) == "2019年5月1日（令和元年）"
    assert dates.birth_date_ja(dt.date(1989, 1, 7)) == "1989年1月7日（昭和64年）"
    assert dates.wareki_short(dt.date(2026, 12, 5)) == "令和8.12.5"


def test_the_template_filters_write_the_same():
    template = engines["django"].from_string(
        "{{ t|datetime_ja }}|{{ t|date_ja:'月日・曜日' }}|{{ t|time_ja }}|{{ b|birth_date_ja }}"
        "|{{ t|wareki }}|{{ t|month_ja }}|{{ t|datetime_ja:'月日' }}"
    )
    rendered = template.render({"t": AFTER_MIDNIGHT, "b": dt.date(1960, 5, 1)})
    assert rendered == (
        "2026年12月5日 00:59|12月5日（土）|00:59|1960年5月1日（昭和35年）"
        "|令和8年12月5日|2026年12月|12月5日 00:59"
    )


def test_no_template_formats_a_date_by_itself():
    """Django's |date and |time would pad or skip the one format: every page goes through
    accounts.utils.dates (its filters are built in)."""
    own = re.compile(r"\|\s*(date|time)\s*(:|}}|\|)")
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        if own.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("span", "said"),
    [
        (dt.timedelta(seconds=20), "1分未満"),
        (dt.timedelta(minutes=30), "30分"),
        (dt.timedelta(hours=12), "12時間"),
        (dt.timedelta(hours=1, minutes=30), "1時間30分"),
        (dt.timedelta(hours=17, minutes=5), "17時間5分"),
        (dt.timedelta(days=3, hours=4, minutes=59), "3日4時間"),
        (dt.timedelta(days=2), "2日"),
        (dt.timedelta(minutes=-5), "1分未満"),
    ],
)
def test_a_span_is_said_as_an_officer_says_it(span, said):
    assert dates.duration_ja(span) == said
