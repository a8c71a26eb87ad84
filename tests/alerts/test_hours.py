"""The two clocks in Tokyo time: 執務時間 (seed 003 4) at its edges, on a Saturday, a national
holiday and in the year-end break; 配信時間 (seed 004 4⑵) at 06:59/07:00/19:59/20:00; the next
07:00 after the window closes. Instants are given in UTC as well, so that a server clock in
another zone changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from alerts import hours

TOKYO = dt.timezone(dt.timedelta(hours=9))


def tokyo(day: str, clock: str) -> dt.datetime:
    hour, minute = map(int, clock.split(":"))
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("day", "clock", "expected"),
    [
        ("2026-12-02", "08:29", False),  # Wednesday
        ("2026-12-02", "08:30", True),
        ("2026-12-02", "17:14", True),
        ("2026-12-02", "17:15", False),
        ("2026-12-05", "10:00", False),  # Saturday
        ("2026-12-06", "10:00", False),  # Sunday
        ("2026-11-03", "10:00", False),  # 文化の日 (Tuesday)
        ("2026-11-23", "10:00", False),  # 勤労感謝の日 (Monday)
        ("2026-12-28", "10:00", True),  # Monday, the last working day of the year
        ("2026-12-29", "10:00", False),  # 年末年始 (Tuesday)
        ("2026-12-30", "10:00", False),
        ("2027-01-04", "10:00", True),  # Monday, the first working day
    ],
)
def test_office_hours(day, clock, expected):
    when = tokyo(day, clock)
    assert hours.is_office_hours(when) is expected
    assert hours.is_office_hours(when.astimezone(dt.UTC)) is expected


def test_office_hours_follow_the_setting(settings):
    settings.ALERTS_OFFICE_HOURS = ["09:00", "18:00"]
    assert not hours.is_office_hours(tokyo("2026-12-02", "08:59"))
    assert hours.is_office_hours(tokyo("2026-12-02", "17:59"))


@pytest.mark.parametrize(
    ("clock", "expected"),
    [("06:59", False), ("07:00", True), ("19:59", True), ("20:00", False), ("00:00", False)],
)
def test_sending_hours(clock, expected):
    # Every day, a Sunday too.
    when = tokyo("2026-12-06", clock)
    assert hours.within_sending_hours(when) is expected
    assert hours.within_sending_hours(when.astimezone(dt.UTC)) is expected


def test_sending_hours_set_past_midnight_run_over_it(settings):
    settings.ALERTS_SENDING_HOURS = ["22:00", "02:00"]
    assert hours.within_sending_hours(tokyo("2026-12-02", "23:30"))
    assert hours.within_sending_hours(tokyo("2026-12-03", "01:59"))
    assert not hours.within_sending_hours(tokyo("2026-12-03", "02:00"))
    assert hours.next_sending_time(tokyo("2026-12-03", "02:00")) == tokyo("2026-12-03", "22:00")


@pytest.mark.parametrize(
    ("day", "clock", "expected"),
    [
        ("2026-12-02", "06:59", ("2026-12-02", "07:00")),
        ("2026-12-02", "07:00", ("2026-12-02", "07:00")),
        ("2026-12-02", "19:59", ("2026-12-02", "19:59")),
        ("2026-12-02", "20:00", ("2026-12-03", "07:00")),
        ("2026-12-31", "23:30", ("2027-01-01", "07:00")),
    ],
)
def test_the_next_sending_time(day, clock, expected):
    when = tokyo(day, clock)
    assert hours.next_sending_time(when) == tokyo(*expected)
    # 20:00 Tokyo is 11:00 UTC the same day: the next morning is still Tokyo's.
    assert hours.next_sending_time(when.astimezone(dt.UTC)) == tokyo(*expected)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        hours.is_office_hours(dt.datetime(2026, 12, 2, 10, 0))  # noqa: DTZ001
