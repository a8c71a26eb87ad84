"""Writes of the sending queue (issue 14 points 1 and 5; DESIGN.md, Queue and time).

- `deliveries_create`: the fan-out. The alert goes SCHEDULED → SENDING once (a second worker
  finds nothing to do) and gets one Delivery per subscriber it reaches, in one INSERT …
  SELECT on PostgreSQL, each row with its Message-ID and the time it may go: at once for an
  urgent category, else at the start of the subscriber's receive-time band, or in the
  evening digest past settings.ALERTS_DIGEST_AFTER rows of the category that Tokyo day.
- `deliveries_publish`: the due rows, marked enqueued, as send_batch tasks after commit
  (a subscriber's digest rows in one task).
- `deliveries_send` (alerts.delivery.sending): claim, send, mark.
- `alerts_settle`: a SENDING alert with nothing left to send becomes SENT.
- `deliveries_reap`: what a dead worker held goes back (settings.ALERTS_REAPER).

The database is the record of what must still be sent; tasks take ids and are published with
transaction.on_commit, so a rolled-back fan-out publishes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from .. import hours
from ..chain.models import Scope
from ..drafts import decisions
from ..drafts.models import Alert, AlertStatus
from ..subscribers.models import Subscriber
from ..subscribers.selectors import subscribers_reached
from .models import Delivery, DeliveryStatus
from .sending import deliveries_send

__all__ = [
    "alerts_due",
    "alerts_settle",
    "deliveries_create",
    "deliveries_publish",
    "deliveries_reap",
    "deliveries_send",
    "is_urgent",
    "message_id",
]

OPEN = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
# At most this many rows a publish: a dispatch stays far inside the task time limit.
PUBLISH_LIMIT = 50_000
# bulk_create batches on databases without the INSERT … SELECT (SQLite of `make run`).
BULK_BATCH = 5_000
# A fan-out of at least this many rows refreshes the table's statistics (_analyze).
ANALYZE_AFTER = 10_000


def message_id(alert_id: int, subscriber_id: int) -> str:
    """Stable: a message sent again after a crash carries the same one."""
    return f"<alert-{alert_id}.{subscriber_id}@{settings.ALERTS_SENDING_DOMAIN}>"


def is_urgent(alert: Alert) -> bool:
    """Urgent categories (凶悪事件 etc., Category.is_urgent) ignore the subscribers'
    receive-time bands and the evening digest (issue 14 point 5): such mail is the reason
    people subscribe. The sending hours are another matter (alerts.drafts.decisions)."""
    return bool(alert.category.is_urgent)


# --- Fan-out ---------------------------------------------------------------------------------


def _reached(alert: Alert) -> QuerySet[Subscriber]:
    """Who the alert reaches, as recipient_count (alerts.drafts.selectors) counts them."""
    return subscribers_reached(
        category=alert.category,
        whole_prefecture=alert.scope == Scope.PREFECTURE,
        stations=alert.area_stations.all(),
        municipalities=alert.area_municipalities.all(),
    ).order_by()


def _busy(alert: Alert, now: dt.datetime) -> QuerySet[Any, Any]:
    """Subscribers who already got settings.ALERTS_DIGEST_AFTER mails of the category this
    Tokyo day (digest rows not counted): the rest of the day goes in the digest. One
    grouped query whatever the number of subscribers."""
    return (
        Delivery.objects.filter(
            alert__category_id=alert.category_id,
            in_digest=False,
            created_at__gte=hours.tokyo_day_start(now),
            subscriber__isnull=False,
        )
        .exclude(status=DeliveryStatus.DROPPED)
        .order_by()
        .values("subscriber_id")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.ALERTS_DIGEST_AFTER)
        .values("subscriber_id")
    )


Band = tuple[dt.time | None, dt.time | None]


def _timing(alert: Alert, bands: Iterable[Band], now: dt.datetime) -> dict:
    """Per receive-time band: (when a row may go, when a digest row may go)."""
    timing = {}
    for start, end in bands:
        if is_urgent(alert):
            timing[(start, end)] = (now, now)
            continue
        released = hours.band_release(now, start, end)
        # The digest's evening may itself fall outside the band: then its next start.
        digest = hours.band_release(hours.digest_time(released), start, end)
        timing[(start, end)] = (released, digest)
    return timing


# (id, subscriber_id, in_digest) of a row due at once, enqueued by the fan-out itself.
Due = tuple[int, int | None, bool]


def _insert_select(
    alert: Alert, reached: QuerySet[Subscriber], timing: dict, now: dt.datetime
) -> tuple[int, list[Due]]:
    """PostgreSQL: one INSERT … SELECT joined to the bands' times and the busy subscribers.
    Rows due now are marked enqueued in the same statement (a second pass over 100,000 fresh
    rows would cost as much as the insert) and come back to be published."""
    reached_sql, reached_params = reached.values("pk").query.sql_with_params()
    busy_sql, busy_params = _busy(alert, now).query.sql_with_params()
    values = ", ".join(["(%s::time, %s::time, %s::timestamptz, %s::timestamptz)"] * len(timing))
    band_params: list = []
    for (start, end), (released, digest) in timing.items():
        band_params += [start, end, released, digest]
    table = Delivery._meta.db_table
    subscribers = Subscriber._meta.db_table
    sql = f"""
        WITH bands (band_start, band_end, released, digest_at) AS (VALUES {values}),
             busy AS ({busy_sql}),
             fresh AS (
                SELECT s.id AS subscriber_id,
                       CASE WHEN busy.subscriber_id IS NULL OR %s THEN b.released
                            ELSE b.digest_at END AS not_before,
                       busy.subscriber_id IS NOT NULL AND NOT %s AS in_digest
                FROM {subscribers} s
                JOIN bands b ON b.band_start IS NOT DISTINCT FROM s.band_start
                            AND b.band_end IS NOT DISTINCT FROM s.band_end
                LEFT JOIN busy ON busy.subscriber_id = s.id
                WHERE s.id IN ({reached_sql})
             )
        INSERT INTO {table} (alert_id, subscriber_id, status, message_id, not_before,
                             in_digest, attempts, error, created_at, enqueued_at)
        SELECT %s, subscriber_id, %s, '<alert-' || %s || '.' || subscriber_id || '@' || %s || '>',
               not_before, in_digest, 0, '', %s,
               CASE WHEN not_before <= %s THEN %s::timestamptz END
        FROM fresh
        RETURNING id, subscriber_id, in_digest, enqueued_at IS NOT NULL
    """  # noqa: S608 (table names from the models; every value is a parameter)
    urgent = is_urgent(alert)
    params = [
        *band_params,
        *busy_params,
        urgent,
        urgent,
        *reached_params,
        alert.pk,
        DeliveryStatus.PENDING,
        str(alert.pk),
        settings.ALERTS_SENDING_DOMAIN,
        now,
        now,
        now,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return len(rows), [(pk, subscriber, digest) for pk, subscriber, digest, due in rows if due]


def _bulk(
    alert: Alert, reached: QuerySet[Subscriber], timing: dict, now: dt.datetime
) -> tuple[int, list[Due]]:
    """Other databases (SQLite of `make run`): the same rows by bulk_create in batches."""
    busy = (
        set()
        if is_urgent(alert)
        else set(_busy(alert, now).values_list("subscriber_id", flat=True))
    )
    made = 0
    due: list[Due] = []

    def write(batch: list[Delivery]) -> None:
        Delivery.objects.bulk_create(batch)
        due.extend((d.pk, d.subscriber_id, d.in_digest) for d in batch if d.enqueued_at)

    rows = reached.order_by("pk").values_list("pk", "band_start", "band_end")
    batch: list[Delivery] = []
    for pk, start, end in rows.iterator(chunk_size=BULK_BATCH):
        released, digest = timing[(start, end)]
        late = pk in busy
        not_before = digest if late else released
        batch.append(
            Delivery(
                alert_id=alert.pk,
                subscriber_id=pk,
                message_id=message_id(alert.pk, pk),
                not_before=not_before,
                in_digest=late,
                enqueued_at=now if not_before <= now else None,
            )
        )
        made += 1
        if len(batch) >= BULK_BATCH:
            write(batch)
            batch = []
    if batch:
        write(batch)
    # auto_now_add wrote the wall clock: the day a digest counts in is the fan-out's.
    Delivery.objects.filter(alert=alert).update(created_at=now)
    return made, due


def _analyze() -> None:
    """Fresh statistics after a large fan-out, so that the dispatcher's and the reaper's
    queries are planned for the table as it now is, not as autovacuum last saw it."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Delivery._meta.db_table}")


def deliveries_create(*, alert: Alert, now: dt.datetime | None = None) -> int:
    """Fan the alert out: SCHEDULED → SENDING (only once its send time has come) and one
    Delivery per subscriber reached (stopped addresses left out), in one transaction; the
    rows due now are published after commit. 0 when the alert was not SCHEDULED and due
    (another worker fanned it out)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Alert.objects.select_for_update()
            .filter(pk=alert.pk, status=AlertStatus.SCHEDULED, send_at__lte=now)
            .select_related("category")
            .first()
        )
        if locked is None:
            return 0
        locked.status = AlertStatus.SENDING
        locked.sending_started_at = now
        decisions.save(locked, actor=None, reason="配信開始", clean=False)
        reached = _reached(locked)
        bands = set(reached.values_list("band_start", "band_end").distinct())
        timing = _timing(locked, bands, now)
        made, due = 0, list[Due]()
        if timing and connection.vendor == "postgresql":
            made, due = _insert_select(locked, reached, timing, now)
        elif timing:
            made, due = _bulk(locked, reached, timing, now)
        pk = locked.pk
        if made >= ANALYZE_AFTER and connection.vendor == "postgresql":
            transaction.on_commit(_analyze)
        plain = [(row, subscriber) for row, subscriber, digest in due if not digest]
        digests = sorted((subscriber, row) for row, subscriber, digest in due if digest)
        _publish_on_commit(
            _batches(plain, by_subscriber=False)
            + _batches([(row, subscriber) for subscriber, row in digests], by_subscriber=True)
        )
        if not made:
            transaction.on_commit(lambda: alerts_settle(now=now, alert_ids=[pk]))
    return made


def alerts_due(*, now: dt.datetime | None = None) -> list[int]:
    """SCHEDULED alerts whose send time has come, oldest first."""
    now = now or timezone.now()
    return list(
        Alert.objects.filter(status=AlertStatus.SCHEDULED, send_at__lte=now)
        .order_by("send_at", "pk")
        .values_list("pk", flat=True)
    )


# --- Publishing --------------------------------------------------------------------------------


def _mark_enqueued(
    now: dt.datetime, *, digest: bool, alert_id: int | None, limit: int | None
) -> list[tuple[int, int | None]]:
    """Due rows not yet enqueued, marked enqueued now: (id, subscriber_id) in order. Rows
    another dispatcher holds are skipped, not waited for."""
    table = Delivery._meta.db_table
    where = "status = %s AND enqueued_at IS NULL AND not_before <= %s AND in_digest = %s"
    # As Django writes it (SQLite: UTC text, compared as text).
    stamp = connection.ops.adapt_datetimefield_value(now)
    params: list = [DeliveryStatus.PENDING, stamp, digest]
    if alert_id is not None:
        where += " AND alert_id = %s"
        params.append(alert_id)
    order = "subscriber_id, id" if digest else "id"
    cap = f" LIMIT {int(limit)}" if limit else ""
    if connection.vendor == "postgresql":
        # The ids as an array from one sub-select, not `id IN (SELECT …)`: right after a
        # fan-out the table's statistics still say it is empty, and the planner would scan
        # it once per row (minutes for 100,000). An array always goes by the primary key.
        chosen = (
            f"id = ANY(ARRAY(SELECT id FROM {table} WHERE {where} "  # noqa: S608
            f"ORDER BY {order}{cap} FOR UPDATE SKIP LOCKED))"
        )
    else:
        chosen = f"id IN (SELECT id FROM {table} WHERE {where} ORDER BY {order}{cap})"  # noqa: S608
    sql = (
        f"UPDATE {table} SET enqueued_at = %s WHERE {chosen} "  # noqa: S608 (no input in it)
        "RETURNING id, subscriber_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [stamp, *params])
        return sorted(
            cursor.fetchall(), key=lambda row: (row[1] or 0, row[0]) if digest else row[0]
        )


def _batches(rows: Sequence[tuple[int, int | None]], *, by_subscriber: bool) -> list[list[int]]:
    """Ids in tasks of settings.ALERTS_BATCH_SIZE; a subscriber's digest rows never split."""
    size = max(int(settings.ALERTS_BATCH_SIZE), 1)
    batches: list[list[int]] = []
    current: list[int] = []
    previous = None
    for pk, subscriber in rows:
        if len(current) >= size and not (by_subscriber and subscriber == previous):
            batches.append(current)
            current = []
        current.append(pk)
        previous = subscriber
    if current:
        batches.append(current)
    return batches


def deliveries_publish(
    *, now: dt.datetime | None = None, alert_id: int | None = None, limit: int = PUBLISH_LIMIT
) -> int:
    """Publish the PENDING rows due by `now` and not enqueued (of one alert, or all) as
    send_batch tasks after commit; how many rows. A row whose task is lost is published
    again by the reaper's clearing of its enqueued_at."""
    now = now or timezone.now()
    with transaction.atomic():
        plain = _mark_enqueued(now, digest=False, alert_id=alert_id, limit=limit)
        digest = _mark_enqueued(now, digest=True, alert_id=alert_id, limit=None)
        _publish_on_commit(
            _batches(plain, by_subscriber=False) + _batches(digest, by_subscriber=True)
        )
    return len(plain) + len(digest)


def _publish_on_commit(batches: list[list[int]]) -> None:
    """send_batch tasks for the batches, once the rows they name are committed."""
    from .tasks import send_batch

    def publish() -> None:
        for ids in batches:
            send_batch.delay(ids)

    if batches:
        transaction.on_commit(publish)


# --- Settling and reaping ----------------------------------------------------------------------


def alerts_settle(*, now: dt.datetime | None = None, alert_ids: Iterable[int] | None = None) -> int:
    """SENDING alerts with no row pending or sending become SENT, sent_at the last row's
    send (or now); how many."""
    now = now or timezone.now()
    open_rows = Delivery.objects.filter(alert=OuterRef("pk"), status__in=OPEN)
    done = Alert.objects.filter(status=AlertStatus.SENDING).exclude(Exists(open_rows))
    if alert_ids is not None:
        done = done.filter(pk__in=list(alert_ids))
    settled = 0
    for pk in done.values_list("pk", flat=True):
        with transaction.atomic():
            alert = (
                Alert.objects.select_for_update()
                .filter(pk=pk, status=AlertStatus.SENDING)
                .exclude(Exists(open_rows))
                .first()
            )
            if alert is None:
                continue
            last = alert.deliveries.aggregate(last=Max("sent_at"))["last"]
            alert.status = AlertStatus.SENT
            alert.sent_at = last or now
            decisions.save(alert, actor=None, reason="配信完了", clean=False)
            settled += 1
    return settled


def deliveries_reap(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Put back what a dead worker or a lost task held (settings.ALERTS_REAPER; off, it
    does nothing): rows SENDING claimed more than ALERTS_STUCK_SECONDS ago → PENDING, and
    PENDING rows enqueued more than ALERTS_REPUBLISH_SECONDS ago lose their mark, so that the
    next dispatch publishes them again. (stuck, republished)."""
    if not settings.ALERTS_REAPER:
        return (0, 0)
    now = now or timezone.now()
    stuck = Delivery.objects.filter(
        status=DeliveryStatus.SENDING,
        claimed_at__lt=now - dt.timedelta(seconds=settings.ALERTS_STUCK_SECONDS),
    ).update(status=DeliveryStatus.PENDING, enqueued_at=None, claimed_at=None)
    lost = Delivery.objects.filter(
        status=DeliveryStatus.PENDING,
        enqueued_at__lt=now - dt.timedelta(seconds=settings.ALERTS_REPUBLISH_SECONDS),
    ).update(enqueued_at=None)
    return (stuck, lost)
