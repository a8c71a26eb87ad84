"""Reads of the sending queue for the people who follow an alert: its live progress
(送信済み, 送信できず, 待機中, 送信待ち, the rate and the estimated end), in one query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.permissions import AnyUser

from ..drafts.models import Alert
from ..drafts.selectors import alert_get
from . import policy
from .models import Delivery, DeliveryStatus

# The rate is what went out in this last span.
RATE_WINDOW = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Progress:
    """Where an alert's fan-out stands at `now`. `waiting` are rows held back until a
    subscriber's receive-time band opens or the evening digest; `queued` are rows due now
    (pending) or held by a worker (sending). `rate` is the mails sent in the last minute;
    `estimated_end` (Tokyo time) is when the queued rows are gone at that rate."""

    total: int
    sent: int
    failed: int
    dropped: int
    waiting: int
    queued: int
    rate: int
    estimated_end: dt.datetime | None
    started: bool
    done: bool
    finished_at: dt.datetime | None
    now: dt.datetime

    @property
    def settled(self) -> int:
        """Rows that will not be sent again: sent, failed for good, or dropped."""
        return self.sent + self.failed + self.dropped

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.done else 0
        return self.settled * 100 // self.total


def delivery_progress(*, alert: Alert, now: dt.datetime | None = None) -> Progress:
    """The progress of `alert`'s deliveries at `now` (one query). Done: the queue marked the
    alert sent, or it started and nothing is left pending or sending."""
    now = now or timezone.now()
    pending = Q(status=DeliveryStatus.PENDING)
    figures = Delivery.objects.filter(alert=alert).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
        dropped=Count("pk", filter=Q(status=DeliveryStatus.DROPPED)),
        waiting=Count("pk", filter=pending & Q(not_before__gt=now)),
        queued=Count(
            "pk",
            filter=(pending & Q(not_before__lte=now)) | Q(status=DeliveryStatus.SENDING),
        ),
        recent=Count(
            "pk",
            filter=Q(status=DeliveryStatus.SENT, sent_at__gt=now - RATE_WINDOW, sent_at__lte=now),
        ),
        last_sent_at=Max("sent_at"),
    )
    started = policy.has_started(alert)
    open_rows = figures["waiting"] + figures["queued"]
    done = policy.is_finished(alert) or (started and open_rows == 0)
    rate = figures["recent"]
    estimated_end = None
    if not done and figures["queued"] and rate:
        minutes = figures["queued"] / rate
        estimated_end = timezone.localtime(now + dt.timedelta(minutes=minutes))
    finished_at = None
    if done:
        finished = alert.sent_at or figures["last_sent_at"] or alert.sending_started_at
        finished_at = timezone.localtime(finished) if finished else None
    return Progress(
        total=figures["total"],
        sent=figures["sent"],
        failed=figures["failed"],
        dropped=figures["dropped"],
        waiting=figures["waiting"],
        queued=figures["queued"],
        rate=rate,
        estimated_end=estimated_end,
        started=started,
        done=done,
        finished_at=finished_at,
        now=now,
    )


@dataclass(frozen=True)
class AlertProgress:
    """The progress panel's read model: the alert (in the user's scope) and its figures."""

    alert: Alert
    progress: Progress
    polls: bool


def alert_progress_get(
    user: AnyUser, pk: int | str, *, now: dt.datetime | None = None
) -> AlertProgress:
    """The progress of an alert the user may open (alerts.drafts.selectors.alert_get: out of
    his scope is a 404, OutOfScope), and whether the page should ask again."""
    alert = alert_get(user, pk)
    progress = delivery_progress(alert=alert, now=now)
    return AlertProgress(
        alert=alert, progress=progress, polls=policy.keeps_polling(alert, done=progress.done)
    )
