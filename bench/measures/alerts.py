"""Issue 14: one あんしんメール alert fanned out to 100,000 subscribers through a real Celery
worker to an SMTP sink on loopback, next to a plain smtplib loop over the same number of
messages to the same sink, in the same run.

`alert_fanout` times code, not a page. Each of three rounds (median of 3) does both, in turn:

- the queue: a new urgent alert, due now, is handed to `alerts.delivery.tasks.fan_out` through
  a redis-server of the measure's own; one worker process (`celery worker --pool=solo`, the
  settings of tests/alerts/faults_settings.py: mail over SMTP, no rate limit) creates the
  Delivery rows, publishes the batches (settings.ALERTS_BATCH_SIZE) and sends them. Timed from
  the hand-over to the last row's `sent_at`; all rows must be SENT.
- the baseline: the same number of messages, the alert's bytes as the worker rendered them with
  each recipient's headers (To, Message-ID, Date, List-Unsubscribe) put in front, sent by
  smtplib in this process over one connection per batch of the same size.

The sink is aiosmtpd in a process of its own that discards what it accepts and counts it
(tests/alerts/faults_kit.py). The worker's peak resident memory is its VmHWM at the end.
The 100,000 subscribers (bench-fanout-N@example.jp, 県内全域, category 事件発生・検挙情報) are
made in the bench database the first time (BENCH_FANOUT_SUBSCRIBERS changes the number);
each round's alert and rows are deleted after it.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import statistics
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from bench.generate import World
from bench.harness import Result

SUBSCRIBERS = int(os.environ.get("BENCH_FANOUT_SUBSCRIBERS", "100000"))
PREFIX = "bench-fanout"
ROUNDS = 3
CATEGORY = "incident"  # urgent in the gunma preset: no receive-time band holds a row back
DEADLINE_SECONDS = 900


def _category():
    from alerts.categories import defaults
    from alerts.categories.models import Category

    found = Category.objects.filter(code=CATEGORY).first()
    if found is None:
        from accounts.models import Headquarters

        defaults.install(Headquarters.objects.get(), "gunma")
        found = Category.objects.get(code=CATEGORY)
    return found


def prepare(world: World, options) -> None:
    """The subscribers, unless exactly that many are there already."""
    from alerts.subscribers.models import Subscriber
    from tests.alerts.faults_kit import subscribers_bulk

    category = _category()
    mine = Subscriber.objects.filter(email__startswith=PREFIX + "-", categories=category)
    if mine.count() == SUBSCRIBERS:
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM alerts_delivery WHERE subscriber_id IN "
            "(SELECT id FROM alerts_subscriber WHERE email LIKE %s)",
            [PREFIX + "-%"],
        )
    Subscriber.objects.filter(email__startswith=PREFIX + "-").delete()
    subscribers_bulk(category=category, count=SUBSCRIBERS, prefix=PREFIX)
    print(
        f"あんしんメールの会員 {SUBSCRIBERS:,} 人を作成しました（{time.perf_counter() - started:.1f} 秒）"
    )


def _alert(world: World):
    from alerts.drafts.models import Alert, AlertStatus

    now = timezone.now()
    return Alert.objects.create(
        category=_category(),
        status=AlertStatus.SCHEDULED,
        preset="gunma",
        author=world.chief,
        author_station=world.station,
        scope="prefecture",
        title="強盗事件の発生（ベンチ）",
        body="12月1日午後4時ごろ、中央市本町1丁目のコンビニエンスストアに刃物を持った男が押し入り、"
        "現金を奪って逃走しました。戸締まりを確実にし、不審な人物を見かけたら110番通報してください。",
        place="中央市本町1丁目",
        advice="不審な人物を見かけたら、すぐに110番通報してください。",
        send_urgently=True,
        send_at=now - dt.timedelta(minutes=1),
        approved_at=now,
        queued_at=now,
    )


def _drop(alert) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM alerts_delivery WHERE alert_id = %s", [alert.pk])
    alert.delete()


@dataclass
class _Round:
    seconds: float
    fan_out_seconds: float
    # The alert as the worker rendered it: the baseline sends the same bytes.
    rendered: Any


def _queue_round(world: World, app) -> _Round:
    """Hand one alert to the worker; seconds from the hand-over to the last row sent."""
    from django.db.models import Count, Max, Min

    from alerts.delivery import mailer
    from alerts.delivery.models import Delivery, DeliveryStatus

    alert = _alert(world)
    try:
        rendered = mailer.render_alert(alert)
        started = timezone.now()
        app.send_task("alerts.delivery.tasks.fan_out", args=[alert.pk])
        deadline = time.monotonic() + DEADLINE_SECONDS
        last_dispatch = last_report = time.monotonic()
        while True:
            time.sleep(0.25)
            counts = dict(
                Delivery.objects.filter(alert=alert).values_list("status").annotate(n=Count("id"))
            )
            total = sum(counts.values())
            if time.monotonic() - last_report > 30:
                print(f"    {counts}", flush=True)
                last_report = time.monotonic()
            if total and counts.get(DeliveryStatus.SENT, 0) == total:
                break
            if total and not (counts.get("pending", 0) + counts.get("sending", 0)):
                raise RuntimeError(f"送信できなかった行があります：{counts}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{DEADLINE_SECONDS} 秒で送り終わりませんでした：{counts}")
            # What beat does every 5 s in production: publish rows nobody published yet.
            if time.monotonic() - last_dispatch > 2:
                app.send_task("alerts.delivery.tasks.dispatch")
                last_dispatch = time.monotonic()
        if total != SUBSCRIBERS:
            raise RuntimeError(f"会員 {SUBSCRIBERS:,} 人に対して行が {total:,} 件")
        times = Delivery.objects.filter(alert=alert).aggregate(
            first=Min("claimed_at"), last=Max("sent_at")
        )
        return _Round(
            seconds=(times["last"] - started).total_seconds(),
            fan_out_seconds=(times["first"] - started).total_seconds(),
            rendered=rendered,
        )
    finally:
        _drop(alert)


def _smtplib_round(port: int, batch: int, rendered) -> float:
    """The same number of messages by a plain loop: the alert's bytes as the worker rendered
    them, each recipient's headers put in front, one connection per batch."""
    sender = settings.ALERTS_FROM_EMAIL
    base = settings.ALERTS_PUBLIC_BASE_URL.rstrip("/")
    date = "Sat, 05 Dec 2026 10:00:00 +0900"
    link = f"{base}/anshin/u/{'x' * 32}/"
    body = rendered.head + b"\r\n" + rendered.body_bytes(link)
    started = time.perf_counter()
    sent = 0
    while sent < SUBSCRIBERS:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for n in range(sent, min(sent + batch, SUBSCRIBERS)):
                address = f"{PREFIX}-{n + 1}@example.jp"
                head = (
                    f"To: {address}\r\nMessage-ID: <plain-{n}@{settings.ALERTS_SENDING_DOMAIN}>\r\n"
                    f"Date: {date}\r\nList-Unsubscribe: <{link}>\r\n"
                    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                ).encode()
                smtp.sendmail(sender, [address], head + body)
            sent = min(sent + batch, SUBSCRIBERS)
    return time.perf_counter() - started


def _wait_ready(app, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while not app.control.ping(timeout=0.5):
        if time.monotonic() > deadline:
            raise RuntimeError("ワーカーが起動しませんでした")


def _fanout_run(measure, *, world: World, **_) -> Result:
    from celery import Celery

    from tests.alerts.faults_kit import Fleet, RedisServer, SmtpSink, database_url, peak_rss_kib

    result = Result(name=measure.name, title=measure.title)
    workdir = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    batch = int(settings.ALERTS_BATCH_SIZE)
    redis = RedisServer(workdir)
    sink = SmtpSink(workdir, record=False)
    fleet = None
    queue: list[_Round] = []
    plain: list[float] = []
    rss = None
    arrived = 0
    try:
        redis.start()
        sink.start()
        fleet = Fleet(
            workdir,
            broker_url=redis.url,
            database_url=database_url(connection.settings_dict),
            email_url=sink.email_url,
            workers=1,
            beat=False,
            settings={"ALERTS_SEND_RATE": "0", "LOG_LEVEL": "WARNING"},
        )
        fleet.start()
        app = Celery("bench-fanout", broker=redis.url)
        _wait_ready(app)
        for index in range(ROUNDS):
            queue.append(_queue_round(world, app))
            plain.append(_smtplib_round(sink.port, batch, queue[-1].rendered))
            print(
                f"  {index + 1} 回目：キュー {SUBSCRIBERS / queue[-1].seconds:,.0f} 通/秒"
                f"（行の作成まで {queue[-1].fan_out_seconds:.1f} 秒）、"
                f"smtplib {SUBSCRIBERS / plain[-1]:,.0f} 通/秒",
                flush=True,
            )
        pids = fleet.worker_pids()
        rss = peak_rss_kib(pids[0]) if pids else None
    except Exception as exc:  # reported as skipped; the other measures still run
        traceback.print_exc()
        if fleet is not None:
            print(fleet.logs())
        result.failure = f"{type(exc).__name__}: {exc}"
        return result
    finally:
        if fleet is not None:
            fleet.stop()
        arrived = sink.stop()
        redis.stop()

    expected = 2 * ROUNDS * SUBSCRIBERS
    if arrived < expected:
        result.failure = f"SMTP サーバーに届いたのは {arrived:,} 通（{expected:,} 通のはず）"
        return result
    queue_s = statistics.median(r.seconds for r in queue)
    plain_s = statistics.median(plain)
    extra: dict[str, Any] = {
        "repeat": ROUNDS,
        "baseline_rows": SUBSCRIBERS,
        "subscribers": SUBSCRIBERS,
        "batch_size": batch,
        "deliveries_per_s": round(SUBSCRIBERS / queue_s),
        "baseline_per_s": round(SUBSCRIBERS / plain_s),
        "throughput_ratio": round(plain_s / queue_s, 2),
        "fan_out_s": round(statistics.median(r.fan_out_seconds for r in queue), 2),
        "worker_peak_rss_kib": rss,
        "rounds_s": [round(r.seconds, 2) for r in queue],
        "baseline_rounds_s": [round(s, 2) for s in plain],
        "arrived": arrived,
    }
    result.median_ms = round(queue_s * 1000, 1)
    result.p95_ms = round(max(r.seconds for r in queue) * 1000, 1)
    result.baseline_ms = round(plain_s * 1000, 1)
    result.extra = extra
    print(
        f"  中央値：キュー {extra['deliveries_per_s']:,} 通/秒、smtplib {extra['baseline_per_s']:,} "
        f"通/秒、比 {extra['throughput_ratio']}、ワーカーの最大常駐メモリ {rss or 0:,} KiB"
    )
    return result


@dataclass(frozen=True)
class FanoutMeasure:
    """Times code, not a page (bench/run.py calls `run` when there is one)."""

    name: str
    title: str
    as_user: Any = None

    def run(self, *, world: World, client, repeat: int, warmup: int, explain: bool) -> Result:
        return _fanout_run(self, world=world)


MEASURES = [
    FanoutMeasure(
        name="alert_fanout",
        title="あんしんメール 1 件を会員 10 万人へ（ワーカー経由）と素の smtplib",
    ),
]
