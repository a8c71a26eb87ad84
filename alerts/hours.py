"""The two clocks of あんしんメール, both in Tokyo time whatever the server's zone:

- 執務時間 (seed 003 4): weekdays that are neither national holidays (jpholiday) nor the
  year-end break (12/29–1/3), within settings.ALERTS_OFFICE_HOURS [start, end). A station's
  report goes to the category's 係 in them and by the category's off-hours route outside.
- 配信時間 (seed 004 4⑵, 原則として午前7時から午後8時まで): settings.ALERTS_SENDING_HOURS
  [start, end), every day. An approved alert outside them waits for the next start, unless
  its category is urgent and the last approver marked it so (alerts.drafts.decisions).

Every function takes an aware datetime and answers for the Tokyo clock at that instant.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import jpholiday
from django.conf import settings
from django.utils import timezone

TOKYO = ZoneInfo("Asia/Tokyo")


def _clock(text: str) -> dt.time:
    """'08:30' → 08:30 (the settings' form)."""
    hours, minutes = text.strip().split(":")
    return dt.time(int(hours), int(minutes))


def _window(name: str) -> tuple[dt.time, dt.time]:
    start, end = getattr(settings, name)
    return _clock(start), _clock(end)


def _tokyo(when: dt.datetime) -> dt.datetime:
    if timezone.is_naive(when):
        raise ValueError("an aware datetime is needed to tell the Tokyo time")
    return when.astimezone(TOKYO)


def is_year_end_break(day: dt.date) -> bool:
    """年末年始 (12月29日〜1月3日): no office hours, as on a holiday."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_working_day(day: dt.date) -> bool:
    """A weekday that is neither a national holiday (振替休日 included) nor in the year-end
    break."""
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not is_year_end_break(day)


def is_office_hours(when: dt.datetime) -> bool:
    """Whether `when` falls in 執務時間 (settings.ALERTS_OFFICE_HOURS, end excluded)."""
    local = _tokyo(when)
    start, end = _window("ALERTS_OFFICE_HOURS")
    return is_working_day(local.date()) and start <= local.time() < end


def within_sending_hours(when: dt.datetime) -> bool:
    """Whether `when` falls in 配信時間 (settings.ALERTS_SENDING_HOURS, end excluded; an end
    before the start runs past midnight)."""
    start, end = _window("ALERTS_SENDING_HOURS")
    return within_band(when, start, end)


def next_sending_time(when: dt.datetime) -> dt.datetime:
    """`when` itself if it falls in 配信時間, else the next start of them (07:00 Tokyo the
    same morning before it, the next morning after the end)."""
    if within_sending_hours(when):
        return when
    local = _tokyo(when)
    start, _end = _window("ALERTS_SENDING_HOURS")
    day = local.date() if local.time() < start else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, start, tzinfo=TOKYO)


# --- The subscriber's clock (issue 14, 5) ---------------------------------------------------


def within_band(when: dt.datetime, start: dt.time, end: dt.time) -> bool:
    """Whether `when` falls in a subscriber's receive-time band [start, end) in Tokyo time.
    A band may run past midnight (22:00–06:00)."""
    now = _tokyo(when).time()
    if start <= end:
        return start <= now < end
    return now >= start or now < end


def band_release(when: dt.datetime, start: dt.time | None, end: dt.time | None) -> dt.datetime:
    """When non-urgent mail due at `when` may reach a subscriber with that band: `when`
    inside it (or with no band), else the band's next start."""
    if start is None or end is None or within_band(when, start, end):
        return when
    local = _tokyo(when)
    day = local.date() if local.time() < start else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, start, tzinfo=TOKYO)


def digest_time(when: dt.datetime) -> dt.datetime:
    """The evening digest of the Tokyo day of `when` (settings.ALERTS_DIGEST_TIME); past it,
    `when` itself, so that a late alert is not held overnight."""
    local = _tokyo(when)
    evening = dt.datetime.combine(local.date(), _clock(settings.ALERTS_DIGEST_TIME), tzinfo=TOKYO)
    return max(evening, local)


def tokyo_day_start(when: dt.datetime) -> dt.datetime:
    """Midnight (Tokyo) that begins the day of `when`: the day a digest counts in."""
    return dt.datetime.combine(_tokyo(when).date(), dt.time(0, 0), tzinfo=TOKYO)
