"""`make load`'s simulated people compute two things from the clock (bench/load/clock.py):
the auditor's second-factor code and the times of the visits officers record. Checked here
without the load itself, which starts gunicorn over a generated station and takes more than
a minute (run it with `make load ARGS="--users 3 --seconds 3"` on a small station)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.load.clock import TOKYO, totp, visit_times
from liaison.visits.hours import FUTURE_SKEW, HoursWindow
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_auditors_code_is_the_one_his_device_accepts_once():
    device = TOTPDevice.objects.create(user=UserFactory(), name="認証アプリ", confirmed=True)
    code = totp(device.key)
    assert device.verify_token(code)
    # A code is good once (django-otp keeps the last step used): the load waits for the next.
    assert not device.verify_token(code)


def test_the_code_follows_rfc_6238():
    # The RFC's SHA-1 vectors (T = 59 s and 1111111109 s), last six of their eight digits.
    key = b"12345678901234567890".hex()
    assert totp(key, at=59) == "287082"
    assert totp(key, at=1111111109) == "081804"


def test_a_recorded_visit_is_within_the_hours_at_any_minute_of_the_day():
    window = HoursWindow.current()
    today = timezone.localdate()
    for minute in range(24 * 60):
        now = dt.datetime.combine(today, dt.time(minute // 60, minute % 60, 30), tzinfo=TOKYO)
        day, start, end = visit_times(now)
        on = dt.date.fromisoformat(day)
        begins = dt.datetime.combine(on, dt.time.fromisoformat(start), TOKYO)
        ends = dt.datetime.combine(on, dt.time.fromisoformat(end), TOKYO)
        assert window.day_start <= begins.time() <= ends.time() <= window.day_end, now
        assert ends <= now + FUTURE_SKEW, now
        assert now - ends < dt.timedelta(days=1), now  # the same day or the next morning
