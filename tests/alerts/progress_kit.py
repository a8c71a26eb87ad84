"""What the progress and report tests share: an alert of station A taken through its real
chain (gunma: 運用責任者 → 運用管理者 → 発信操作担当者) to 「配信予約」 at a fixed hour, then
marked as the queue marks it when the fan-out starts, and Delivery rows laid directly
(bulk_create) in the states a test needs."""

from __future__ import annotations

import datetime as dt
import itertools

from alerts.delivery.models import Delivery, DeliveryStatus
from alerts.drafts.models import Alert, AlertStatus
from tests.alerts.conftest import through_the_chain

_numbers = itertools.count(1)


def scheduled_alert(alert_world, make_draft, *, now: dt.datetime, code: str = "suspicious"):
    """Reported, approved and confirmed by the sender at `now` (in sending hours)."""
    alert = through_the_chain(make_draft(code), now=now)
    assert alert.status == AlertStatus.SCHEDULED
    return alert


def mark_started(alert: Alert, *, at: dt.datetime) -> Alert:
    """What the queue writes when it starts the fan-out (its own services are tested apart).
    Where the sender's confirmation was committed (a browser test), the eager queue has
    already taken the alert and, reaching nobody, settled it: it starts again from here."""
    Alert.objects.filter(pk=alert.pk).update(
        status=AlertStatus.SENDING, sending_started_at=at, sent_at=None
    )
    alert.refresh_from_db()
    return alert


def mark_sent(alert: Alert, *, at: dt.datetime) -> Alert:
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.SENT, sent_at=at)
    alert.refresh_from_db()
    return alert


def rows(
    alert: Alert,
    count: int,
    status: str,
    *,
    not_before: dt.datetime,
    sent_at: dt.datetime | None = None,
    in_digest: bool = False,
) -> list[Delivery]:
    """`count` deliveries of `alert` (addressless: the subscriber does not matter here)."""
    return Delivery.objects.bulk_create(
        Delivery(
            alert=alert,
            subscriber=None,
            status=status,
            message_id=f"<t{next(_numbers)}.{alert.pk}@test.example.jp>",
            not_before=not_before,
            sent_at=sent_at if status == DeliveryStatus.SENT else None,
            in_digest=in_digest,
        )
        for _ in range(count)
    )
