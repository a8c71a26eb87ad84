"""The beat's two tasks. dispatch fans out the alerts whose time has come, publishes the due
rows as send_batch tasks in batches of settings.ALERTS_BATCH_SIZE (marking them enqueued),
and settles an alert with nothing left to send as SENT. reap puts rows a dead worker held
back to PENDING and clears the mark of rows whose task was lost; with settings.ALERTS_REAPER
False it does nothing (the fault test's negative control). hand_over fans out at once an
alert sent now."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from alerts.delivery import services, tasks
from alerts.delivery.models import Delivery, DeliveryStatus
from alerts.drafts.models import AlertStatus
from tests.alerts.delivery_kit import at, scheduled, sending_hours_now, subscriber

__all__ = ["sending_hours_now"]  # a fixture

pytestmark = pytest.mark.postgres


@pytest.fixture
def crowd(alert_world):
    return [subscriber(alert_world, f"p{i}@example.jp", "suspicious") for i in range(5)]


def test_dispatch_fans_out_publishes_in_batches_and_settles(
    alert_world, make_draft, crowd, settings, sending_hours_now, django_capture_on_commit_callbacks
):
    settings.ALERTS_BATCH_SIZE = 2
    alert = scheduled(alert_world, make_draft, "suspicious", now=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.dispatch()
    assert result["fanned_out"] == 5
    # Eager mode: the published batches ran at once (3 tasks of at most 2 rows).
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in crowd)
    assert set(alert.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert all(d.enqueued_at is not None for d in alert.deliveries.all())
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT
    assert alert.sent_at is not None


def test_publish_splits_batches_but_never_a_subscribers_digest(settings):
    settings.ALERTS_BATCH_SIZE = 2
    rows = [(1, 10), (2, 10), (3, 10), (4, 11), (5, 12), (6, 12)]
    assert services._batches(rows, by_subscriber=True) == [[1, 2, 3], [4, 5, 6]]
    assert services._batches(rows, by_subscriber=False) == [[1, 2], [3, 4], [5, 6]]


def test_a_row_waiting_for_its_band_is_not_published_before_its_time(
    alert_world, make_draft, django_capture_on_commit_callbacks
):
    subscriber(alert_world, "evening@example.jp", "suspicious", band=("18:00", "22:00"))
    alert = scheduled(alert_world, make_draft, "suspicious", now=at("10:00"))
    services.deliveries_create(alert=alert, now=at("10:00"))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_publish(now=at("17:59")) == 0
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_publish(now=at("18:00")) == 1
    assert [m.to for m in mail.outbox] == [["evening@example.jp"]]


def test_hand_over_sends_an_alert_sent_now(
    alert_world, make_draft, crowd, sending_hours_now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = scheduled(alert_world, make_draft, "suspicious", now=timezone.now())
    assert len(mail.outbox) == 5
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT


# --- The reaper -----------------------------------------------------------------------------


def held(alert_world, make_draft, now: dt.datetime) -> list[Delivery]:
    """Five rows fanned out and enqueued at `now` in tasks the broker then lost (the test
    runs no on_commit callback); the first claimed by a worker that was killed."""
    alert = scheduled(alert_world, make_draft, "suspicious", now=now)
    services.deliveries_create(alert=alert, now=now)
    rows = list(alert.deliveries.order_by("pk"))
    assert {r.enqueued_at for r in rows} == {now}
    Delivery.objects.filter(pk=rows[0].pk).update(
        status=DeliveryStatus.SENDING, claimed_at=now, attempts=1
    )
    return rows


def test_the_reaper_puts_back_what_a_dead_worker_held(
    alert_world, make_draft, crowd, settings, django_capture_on_commit_callbacks
):
    settings.ALERTS_STUCK_SECONDS, settings.ALERTS_REPUBLISH_SECONDS = 30, 60
    rows = held(alert_world, make_draft, at("10:00"))
    assert services.deliveries_publish(now=at("10:00:30")) == 0  # all enqueued already
    assert services.deliveries_reap(now=at("10:00:29")) == (0, 0)
    assert services.deliveries_reap(now=at("10:00:31")) == (1, 0)
    assert services.deliveries_reap(now=at("10:01:01")) == (0, 4)
    for row in rows:
        row.refresh_from_db()
        assert (row.status, row.enqueued_at, row.claimed_at) == (DeliveryStatus.PENDING, None, None)
    # The next dispatch publishes them again, and they go.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_publish(now=at("10:01:02")) == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in crowd)


def test_without_the_reaper_they_stay_held(alert_world, make_draft, crowd, settings):
    settings.ALERTS_REAPER = False
    claimed, *lost = held(alert_world, make_draft, at("10:00"))
    assert tasks.reap() == {"stuck": 0, "republished": 0}
    assert services.deliveries_reap(now=at("12:00")) == (0, 0)
    claimed.refresh_from_db()
    assert claimed.status == DeliveryStatus.SENDING
    assert {r.enqueued_at for r in Delivery.objects.filter(pk__in=[r.pk for r in lost])} == {
        at("10:00")
    }
    # Nothing will ever publish them again: this mail is lost.
    assert services.deliveries_publish(now=at("12:00")) == 0
