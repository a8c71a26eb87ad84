"""The rate limit of a worker process (settings.ALERTS_SEND_RATE messages a second, a token
bucket): a burst of one second's worth goes at once, after that each message waits its
turn; 0 means no limit. Time is the bucket's clock, replaced here, never the wall clock."""

from __future__ import annotations

import pytest

from alerts.delivery import mailer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(mailer.time, "monotonic", fake.monotonic)
    monkeypatch.setattr(mailer.time, "sleep", fake.sleep)
    return fake


def test_after_a_burst_each_message_waits_its_turn(clock):
    bucket = mailer.TokenBucket(rate=4)
    for _ in range(4):
        bucket.take()
    assert clock.slept == []
    for _ in range(3):
        bucket.take()
    assert clock.slept == [0.25, 0.25, 0.25]
    # Eight messages took 0.75 s of waiting: 4 a second after the first second's burst.


def test_a_pause_refills_the_bucket_but_no_more_than_one_second(clock):
    bucket = mailer.TokenBucket(rate=2)
    bucket.take()
    bucket.take()
    clock.now += 60
    for _ in range(3):
        bucket.take()
    assert clock.slept == [0.5]


def test_no_rate_no_waiting(clock, settings):
    settings.ALERTS_SEND_RATE = 0
    bucket = mailer.bucket()
    for _ in range(1000):
        bucket.take()
    assert clock.slept == []
    settings.ALERTS_SEND_RATE = 10
    assert mailer.bucket().rate == 10
