"""受信する時間帯: the rules of a subscriber's receive-time band (issue 14, 5), pure functions
of the settings with no database. A band is a start and an end in Tokyo time, on the half
hour, within 配信時間 (settings.ALERTS_SENDING_HOURS, 07:00–20:00), at least an hour long;
no band means any time. Non-urgent mail outside it waits for its start
(alerts.hours.band_release); urgent categories ignore it.

The services refuse a band that breaks a rule (band_refusal); the form offers only the half
hours these functions list, so that a person picks rather than types.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

STEP_MINUTES = 30
SHORTEST = dt.timedelta(hours=1)


def clock(text: str) -> dt.time:
    """'07:00' (the settings' form) → 07:00."""
    hours, minutes = text.strip().split(":")
    return dt.time(int(hours), int(minutes))


def sending_hours() -> tuple[dt.time, dt.time]:
    start, end = settings.ALERTS_SENDING_HOURS
    return clock(start), clock(end)


def clock_label(value: dt.time) -> str:
    """07:30 → '7:30', as a person writes it."""
    return f"{value.hour}:{value.minute:02d}"


def hours_label() -> str:
    start, end = sending_hours()
    return f"{clock_label(start)}〜{clock_label(end)}"


def band_label(start: dt.time | None, end: dt.time | None) -> str:
    if start is None or end is None:
        return "いつでも受け取る"
    return f"{clock_label(start)}〜{clock_label(end)}"


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def band_times() -> list[dt.time]:
    """Every half hour from the start of 配信時間 to its end, both included."""
    start, end = sending_hours()
    first = -(-_minutes(start) // STEP_MINUTES) * STEP_MINUTES  # the first half hour in them
    return [
        dt.time(minutes // 60, minutes % 60)
        for minutes in range(first, _minutes(end) + 1, STEP_MINUTES)
    ]


def band_refusal(start: dt.time | None, end: dt.time | None) -> tuple[str, str] | None:
    """(field, Japanese message) for a band that breaks a rule, None for a good one (or for
    none at all)."""
    if start is None and end is None:
        return None
    if start is None:
        return "band_start", "開始の時刻を選んでください。"
    if end is None:
        return "band_end", "終了の時刻を選んでください。"
    first, last = sending_hours()
    outside = f"配信時間（{hours_label()}）の中で、30分単位で選んでください。"
    for field, value in (("band_start", start), ("band_end", end)):
        on_step = value.second == 0 and value.microsecond == 0 and value.minute % STEP_MINUTES == 0
        if not (first <= value <= last and on_step):
            return field, outside
    if end <= start:
        return "band_end", "終了の時刻は、開始の時刻より後にしてください。"
    if _minutes(end) - _minutes(start) < SHORTEST.total_seconds() // 60:
        return "band_end", "受信する時間帯は1時間以上にしてください。"
    return None
