"""What the queue does when the SMTP server says no (a real aiosmtpd server on loopback):
a 5xx for an address fails the row and counts a bounce, settings.ALERTS_BOUNCE_LIMIT bounces
in a row stop the address (nothing reaches it after), and a success ends the run; a 4xx or
an unreachable server puts the row back with a growing backoff until
settings.ALERTS_RETRY_LIMIT attempts, then fails it, and never counts as a bounce."""

from __future__ import annotations

import datetime as dt

import pytest

from alerts.delivery import services
from alerts.delivery.models import Delivery, DeliveryStatus
from alerts.subscribers.models import Subscriber
from tests.alerts.delivery_kit import at, free_port, scheduled, smtp_server, subscriber

pytestmark = pytest.mark.postgres
__all__ = ["smtp_server"]

NO_SUCH_USER = "550 5.1.1 No such user"
TRY_LATER = "451 4.3.0 Try again later"


def send_one(alert_world, make_draft, now: dt.datetime):
    """An alert fanned out and its rows sent at `now`: the alert and the counts."""
    alert = scheduled(alert_world, make_draft, "suspicious", now=now)
    services.deliveries_create(alert=alert, now=now)
    ids = list(alert.deliveries.values_list("pk", flat=True))
    return alert, services.deliveries_send(delivery_ids=ids, now=now)


def test_permanent_failures_count_and_the_limit_stops_the_address(
    alert_world, make_draft, smtp_server, settings
):
    settings.ALERTS_BOUNCE_LIMIT = 2
    bad = subscriber(alert_world, "bad@example.jp", "suspicious")
    subscriber(alert_world, "good@example.jp", "suspicious")
    smtp_server.replies["bad@example.jp"] = NO_SUCH_USER

    alert, counts = send_one(alert_world, make_draft, at("10:00"))
    assert (counts["sent"], counts["failed"]) == (1, 1)
    row = alert.deliveries.get(subscriber=bad)
    assert row.status == DeliveryStatus.FAILED
    assert row.error.startswith("550")
    bad.refresh_from_db()
    assert (bad.bounce_count, bad.stopped_at) == (1, None)

    send_one(alert_world, make_draft, at("11:00"))
    bad.refresh_from_db()
    assert (bad.bounce_count, bad.stopped_at) == (2, at("11:00"))

    # Stopped: the next alert has no row for him, and the server hears nothing of him.
    third, counts = send_one(alert_world, make_draft, at("12:00"))
    assert counts["sent"] == 1
    assert not third.deliveries.filter(subscriber=bad).exists()
    assert smtp_server.refused == ["bad@example.jp", "bad@example.jp"]
    assert len(smtp_server.to("good@example.jp")) == 3


def test_a_success_ends_the_run_of_bounces(alert_world, make_draft, smtp_server, settings):
    settings.ALERTS_BOUNCE_LIMIT = 2
    flaky = subscriber(alert_world, "flaky@example.jp", "suspicious")
    smtp_server.replies["flaky@example.jp"] = NO_SUCH_USER
    send_one(alert_world, make_draft, at("10:00"))
    flaky.refresh_from_db()
    assert flaky.bounce_count == 1
    del smtp_server.replies["flaky@example.jp"]
    send_one(alert_world, make_draft, at("11:00"))
    flaky.refresh_from_db()
    assert (flaky.bounce_count, flaky.stopped_at) == (0, None)
    smtp_server.replies["flaky@example.jp"] = NO_SUCH_USER
    send_one(alert_world, make_draft, at("12:00"))
    flaky.refresh_from_db()
    assert (flaky.bounce_count, flaky.stopped_at) == (1, None)


def test_a_temporary_failure_retries_with_backoff_then_fails(
    alert_world, make_draft, smtp_server, settings
):
    settings.ALERTS_RETRY_LIMIT = 3
    person = subscriber(alert_world, "busy@example.jp", "suspicious")
    smtp_server.replies["busy@example.jp"] = TRY_LATER
    alert, counts = send_one(alert_world, make_draft, at("10:00"))
    assert counts["retry"] == 1
    row = alert.deliveries.get()
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 1)
    assert (row.not_before, row.enqueued_at, row.claimed_at) == (at("10:01"), None, None)
    assert row.error.startswith("451")
    # Not due before its backoff has passed; the second try waits twice as long.
    assert services.deliveries_publish(now=at("10:00:59")) == 0
    assert services.deliveries_publish(now=at("10:01")) == 1
    services.deliveries_send(delivery_ids=[row.pk], now=at("10:01"))
    row.refresh_from_db()
    assert (row.status, row.attempts, row.not_before) == (DeliveryStatus.PENDING, 2, at("10:03"))
    services.deliveries_send(delivery_ids=[row.pk], now=at("10:03"))
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 3)
    person.refresh_from_db()
    assert person.bounce_count == 0
    assert smtp_server.messages == []


def test_the_backoff_stops_growing_at_thirty_minutes():
    from alerts.delivery.sending import backoff

    assert [backoff(n).total_seconds() for n in (1, 2, 5, 6, 10)] == [60, 120, 960, 1800, 1800]


def test_an_unreachable_server_puts_every_row_back_with_backoff(alert_world, make_draft, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    people = [subscriber(alert_world, f"p{i}@example.jp", "suspicious") for i in range(3)]
    alert, counts = send_one(alert_world, make_draft, at("10:00"))
    assert counts["retry"] == 3
    rows = Delivery.objects.filter(alert=alert)
    assert {(r.status, r.attempts, r.not_before) for r in rows} == {
        (DeliveryStatus.PENDING, 1, at("10:01"))
    }
    assert set(
        Subscriber.objects.filter(pk__in=[p.pk for p in people]).values_list(
            "bounce_count", flat=True
        )
    ) == {0}
