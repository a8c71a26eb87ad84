"""One send_batch task's work (alerts.delivery.services.deliveries_send): claim the rows by
compare-and-set, send each over one connection (alerts.delivery.mailer), and mark what
happened every few messages, so that a worker killed mid-batch repeats at most the messages
it had sent but not yet marked (../shared/ECOSYSTEM.md, Celery + Redis).

- A row whose subscriber is gone (unsubscribed), stopped for bounces, or whose alert was
  withdrawn → DROPPED, not sent.
- Sent → SENT (sent_at); the subscriber's run of bounces ends (bounce_count 0).
- 4xx or a lost connection → PENDING again after a backoff (2**attempts × 30 s, at most
  30 min) until settings.ALERTS_RETRY_LIMIT attempts, then FAILED.
- 5xx for the recipient → FAILED with the reply; the subscriber's bounce_count + 1, and at
  settings.ALERTS_BOUNCE_LIMIT his address stops receiving (stopped_at).
- Rows claimed but not tried (the connection broke, the soft time limit) go back to PENDING
  as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ..drafts.models import Alert
from ..subscribers.models import Subscriber
from ..subscribers.services import list_unsubscribe_headers_maker
from . import digests, mailer
from .models import Delivery, DeliveryStatus

# Marks committed at least every this many messages (ECOSYSTEM.md: ≤ 10).
MARK_EVERY = 10
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Claimed:
    id: int
    alert_id: int
    subscriber_id: int | None
    in_digest: bool
    message_id: str
    attempts: int
    not_before: dt.datetime


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * (2**attempts), BACKOFF_MAX)


def claim(ids: list[int], now: dt.datetime) -> list[Claimed]:
    """Compare-and-set: only rows still PENDING become SENDING (claimed now, one attempt
    more). A task delivered twice finds nothing the second time."""
    if not ids:
        return []
    table = Delivery._meta.db_table
    if connection.vendor == "postgresql":
        where, params = "id = ANY(%s)", [list(ids)]
    else:
        where, params = f"id IN ({', '.join(['%s'] * len(ids))})", list(ids)
    sql = (
        f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1 "  # noqa: S608
        f"WHERE {where} AND status = %s "
        "RETURNING id, alert_id, subscriber_id, in_digest, message_id, attempts, not_before"
    )
    with connection.cursor() as cursor:
        stamp = connection.ops.adapt_datetimefield_value(now)  # SQLite: UTC text
        cursor.execute(sql, [DeliveryStatus.SENDING, stamp, *params, DeliveryStatus.PENDING])
        rows = cursor.fetchall()
    claimed = [Claimed(*row) for row in rows]
    if connection.vendor != "postgresql":
        # SQLite returns naive UTC text-converted datetimes; make them aware.
        claimed = [
            Claimed(
                c.id,
                c.alert_id,
                c.subscriber_id,
                bool(c.in_digest),
                c.message_id,
                c.attempts,
                _aware(c.not_before),
            )
            for c in claimed
        ]
    return sorted(claimed, key=lambda c: c.id)


def _aware(value) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def release(ids: set[int]) -> None:
    """Claimed rows not tried: back to PENDING as they were (the attempt not counted)."""
    if ids:
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING,
            claimed_at=None,
            enqueued_at=None,
            attempts=F("attempts") - 1,
        )


@dataclass
class Marks:
    """What the messages since the last flush did, written in one transaction."""

    clock: Callable[[], dt.datetime]
    # Subscribers of the batch with a run of bounces to end when a mail reaches them.
    bouncing: set[int] = field(default_factory=set)
    sent: list[tuple[list[int], int]] = field(default_factory=list)
    bounced: list[tuple[list[Claimed], int, str]] = field(default_factory=list)
    retry: list[tuple[list[Claimed], str]] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {"sent": 0, "failed": 0, "retry": 0, "dropped": 0}
    )

    @property
    def messages(self) -> int:
        return len(self.sent) + len(self.bounced) + len(self.retry)

    def flush(self) -> None:
        if not self.messages:
            return
        now = self.clock()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # A mark lost to a crash of PostgreSQL itself (not of a worker) can only make
                # a message go twice with its one Message-ID, never go missing: such commits
                # need not wait for the disk. It was most of the queue's cost per message.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            self._sent(now)
            self._bounced(now)
            self._retry(now)
        self.sent, self.bounced, self.retry = [], [], []

    def _sent(self, now: dt.datetime) -> None:
        ids = [pk for rows, _ in self.sent for pk in rows]
        if not ids:
            return
        Delivery.objects.filter(pk__in=ids).exclude(status=DeliveryStatus.SENT).update(
            status=DeliveryStatus.SENT, sent_at=now, error=""
        )
        bounced_before = {pk for _, pk in self.sent if pk in self.bouncing}
        if bounced_before:
            Subscriber.objects.filter(pk__in=bounced_before, bounce_count__gt=0).update(
                bounce_count=0
            )
            self.bouncing -= bounced_before
        self.counts["sent"] += len(ids)

    def _bounced(self, now: dt.datetime) -> None:
        for rows, subscriber, error in self.bounced:
            Delivery.objects.filter(pk__in=[r.id for r in rows]).update(
                status=DeliveryStatus.FAILED, error=error
            )
            Subscriber.objects.filter(pk=subscriber).update(bounce_count=F("bounce_count") + 1)
            self.counts["failed"] += len(rows)
        stopping = {subscriber for _, subscriber, _ in self.bounced}
        if stopping:
            Subscriber.objects.filter(
                pk__in=stopping,
                bounce_count__gte=settings.ALERTS_BOUNCE_LIMIT,
                stopped_at__isnull=True,
            ).update(stopped_at=now)

    def _retry(self, now: dt.datetime) -> None:
        for rows, error in self.retry:
            for row in rows:
                if row.attempts >= settings.ALERTS_RETRY_LIMIT:
                    Delivery.objects.filter(pk=row.id).update(
                        status=DeliveryStatus.FAILED, error=error
                    )
                    self.counts["failed"] += 1
                else:
                    Delivery.objects.filter(pk=row.id).update(
                        status=DeliveryStatus.PENDING,
                        not_before=now + backoff(row.attempts),
                        enqueued_at=None,
                        claimed_at=None,
                        error=error,
                    )
                    self.counts["retry"] += 1


@dataclass
class Message:
    """One mail of the task: a row of an alert, or a subscriber's digest rows."""

    rows: list[Claimed]
    subscriber: Subscriber
    rendered: mailer.Rendered
    message_id: str


def _messages(
    claimed: list[Claimed], subscribers: dict[int, Subscriber], alerts: dict[int, Alert]
) -> list[Message]:
    """Each alert rendered once, each digest once per subscriber."""
    rendered: dict[int, mailer.Rendered] = {}
    messages: list[Message] = []
    for row in claimed:
        if row.in_digest:
            continue
        if row.alert_id not in rendered:
            rendered[row.alert_id] = mailer.render_alert(alerts[row.alert_id])
        subscriber = subscribers[row.subscriber_id]  # type: ignore[index]
        messages.append(Message([row], subscriber, rendered[row.alert_id], row.message_id))
    for subscriber_id, rows in digests.by_subscriber(claimed).items():
        listed = sorted({r.alert_id for r in rows}, key=lambda pk: (alerts[pk].send_at, pk))
        day = digests.tokyo_day(min(r.not_before for r in rows))
        messages.append(
            Message(
                rows,
                subscribers[subscriber_id],
                mailer.render_digest([alerts[pk] for pk in listed]),
                digests.message_id(subscriber_id=subscriber_id, day=day, first_row=rows[0].id),
            )
        )
    return messages


def _dropped(
    claimed: list[Claimed], subscribers: dict[int, Subscriber], alerts: dict[int, Alert]
) -> set[int]:
    gone = set()
    for row in claimed:
        subscriber = subscribers.get(row.subscriber_id) if row.subscriber_id else None
        if subscriber is None or subscriber.stopped_at or alerts[row.alert_id].withdrawn_at:
            gone.add(row.id)
    if gone:
        Delivery.objects.filter(pk__in=gone, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.DROPPED
        )
    return gone


def deliveries_send(*, delivery_ids: list[int], now: dt.datetime | None = None) -> dict[str, int]:
    """Claim the rows, send them, mark them; counts of sent, failed, retry and dropped rows
    (a second call with the same ids finds nothing to claim and sends nothing)."""
    clock: Callable[[], dt.datetime] = (lambda: now) if now is not None else timezone.now
    claimed = claim([int(pk) for pk in delivery_ids], clock())
    marks = Marks(clock)
    if not claimed:
        return marks.counts
    subscribers = Subscriber.objects.filter(
        pk__in={r.subscriber_id for r in claimed if r.subscriber_id}
    ).only("pk", "email", "token", "stopped_at", "bounce_count")
    by_pk = {s.pk: s for s in subscribers}
    marks.bouncing = {s.pk for s in subscribers if s.bounce_count}
    alerts = {
        a.pk: a
        for a in Alert.objects.filter(pk__in={r.alert_id for r in claimed}).select_related(
            "category",
            "author_station__headquarters",
            "author_division__headquarters",
        )
    }
    dropped = _dropped(claimed, by_pk, alerts)
    marks.counts["dropped"] = len(dropped)
    untried = {r.id for r in claimed} - dropped
    messages = _messages([r for r in claimed if r.id not in dropped], by_pk, alerts)
    unsubscribe_headers = list_unsubscribe_headers_maker()
    went = False
    try:
        with mailer.Outbox() as box:
            for message in messages:
                headers = unsubscribe_headers(message.subscriber)
                try:
                    box.send(
                        message.rendered,
                        to=message.subscriber.email,
                        message_id=message.message_id,
                        unsubscribe_url=headers["List-Unsubscribe"][1:-1],
                        unsubscribe=headers,
                        now=clock(),
                    )
                except mailer.Permanent as exc:
                    marks.bounced.append((message.rows, message.subscriber.pk, str(exc)))
                except mailer.Temporary as exc:
                    marks.retry.append((message.rows, str(exc)))
                    if exc.broken:
                        untried -= {r.id for r in message.rows}
                        if not went:
                            # The server cannot be reached: every row waits its backoff.
                            rest = [m for m in messages if m is not message]
                            marks.retry += [(m.rows, str(exc)) for m in rest]
                            untried -= {r.id for m in rest for r in m.rows}
                        break
                else:
                    went = True
                    marks.sent.append(([r.id for r in message.rows], message.subscriber.pk))
                untried -= {r.id for r in message.rows}
                if marks.messages >= MARK_EVERY:
                    marks.flush()
    finally:
        marks.flush()
        release(untried)
    return marks.counts
