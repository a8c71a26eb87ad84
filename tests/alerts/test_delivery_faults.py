"""The sending queue loses no mail under faults (issue 14 point 2), and without its reaper it
does (the negative control, so that the test can fail).

Real parts only: PostgreSQL (the test database, which the worker processes open too), a
redis-server of the test's own with the broker settings of ECOSYSTEM.md, two Celery worker
processes and celery beat (dispatch and reap every 5 s), and an aiosmtpd server on loopback
that records the Message-ID of everything it accepts (tests/alerts/faults_kit.py). One urgent
alert goes to 10,000 subscribers; while it is sent the workers are SIGKILLed four times, Redis
is restarted once (SHUTDOWN NOSAVE: the append-only file survives) and once wiped (killed,
its data deleted). What arrived is counted by Message-ID.

`pytest -m faults -s` prints the figures; they are also written to
/tmp/liaison-faults/delivery_faults.json (FAULTS_REPORT names another file).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from alerts.delivery.models import Delivery, DeliveryStatus
from alerts.drafts.models import Alert, AlertStatus
from tests.alerts.faults_kit import (
    REDIS_SERVER,
    Fleet,
    RedisServer,
    SmtpSink,
    database_url,
    subscribers_bulk,
)

pytestmark = [pytest.mark.faults, pytest.mark.redis, pytest.mark.postgres]

SUBSCRIBERS = 10_000
CONTROL_SUBSCRIBERS = 3_000
WORKERS = 2
BATCH_SIZE = 50
# Per worker: slow enough that every fault lands while mail is going out (about 50 s for
# 10,000 with two workers), fast enough for `make test`.
SEND_RATE = 100
STUCK_SECONDS = 8
REPUBLISH_SECONDS = 10
BEAT_SECONDS = 5  # settings.CELERY_BEAT_SCHEDULE: dispatch and reap
# Without the reaper, nothing more can move once this long has passed with no mail sent.
QUIET_SECONDS = STUCK_SECONDS + REPUBLISH_SECONDS + 2 * BEAT_SECONDS + 4
DEADLINE_SECONDS = 480  # about 90 s on a quiet machine; room for a busy one
REPORT = Path(
    os.environ.get("FAULTS_REPORT")
    or Path(tempfile.gettempdir()) / "liaison-faults" / "delivery_faults.json"
)

KILL, RESTART_REDIS, WIPE_REDIS = "kill workers", "restart redis", "wipe redis"
# (share of the rows sent, fault)
FAULTS = [
    (0.10, KILL),
    (0.20, RESTART_REDIS),
    (0.32, KILL),
    (0.45, WIPE_REDIS),
    (0.60, KILL),
    (0.75, KILL),
]
CONTROL_FAULTS = [(0.10, KILL), (0.20, WIPE_REDIS)]


@dataclass
class Figures:
    scenario: str
    reaper: bool
    rows: int = 0
    sent_rows: int = 0
    open_rows: int = 0
    received: int = 0
    distinct_received: int = 0
    missing: int = 0
    duplicates: int = 0
    foreign: int = 0
    kills: int = 0
    in_flight_at_kills: list[int] = field(default_factory=list)
    duplicate_bound: int = 0
    redis_restarts: int = 0
    redis_wipes: int = 0
    unexpected_exits: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    seconds: float = 0.0


@pytest.fixture
def parts(alert_world, tmp_path):
    """parts(reaper=...) -> (redis, sink, fleet), all started; all stopped after the test,
    before the test database is emptied (the workers hold connections to it)."""
    started: list = []

    def _start(*, reaper: bool):
        if not Path(REDIS_SERVER).exists():
            message = f"{REDIS_SERVER} がありません（apt-get install redis-server）"
            if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
                pytest.fail(message)
            pytest.skip(message)
        redis = RedisServer(tmp_path)
        started.append(redis)
        redis.start()
        sink = SmtpSink(tmp_path, record=True)
        started.append(sink)
        sink.start()
        fleet = Fleet(
            tmp_path,
            broker_url=redis.url,
            database_url=database_url(connection.settings_dict),
            email_url=sink.email_url,
            workers=WORKERS,
            settings={
                "ALERTS_REAPER": "true" if reaper else "false",
                "ALERTS_STUCK_SECONDS": str(STUCK_SECONDS),
                "ALERTS_REPUBLISH_SECONDS": str(REPUBLISH_SECONDS),
                "ALERTS_BATCH_SIZE": str(BATCH_SIZE),
                "ALERTS_SEND_RATE": str(SEND_RATE),
            },
        )
        started.append(fleet)
        fleet.start()
        return redis, sink, fleet

    yield _start
    for part in reversed(started):
        part.stop()


def urgent_alert(make_draft, alert_world) -> Alert:
    """An urgent 事件発生 alert, approved and due: beat's dispatch fans it out. Urgent, so
    that neither receive-time bands nor sending hours hold it back at any hour of the run."""
    alert = make_draft("incident", title="強盗事件の発生", case_number="R8-000777")
    assert alert.category.is_urgent
    now = timezone.now()
    Alert.objects.filter(pk=alert.pk).update(
        status=AlertStatus.SCHEDULED,
        send_urgently=True,
        send_at=now - dt.timedelta(minutes=1),
        approved_at=now,
        queued_at=now,
    )
    alert.refresh_from_db()
    return alert


def _counts(alert: Alert) -> Counter:
    rows = Delivery.objects.filter(alert=alert).values_list("status").annotate(n=Count("id"))
    return Counter(dict(rows))


def _open(counts: Counter) -> int:
    return counts[DeliveryStatus.PENDING] + counts[DeliveryStatus.SENDING]


def run_scenario(alert, expected_rows, *, redis, sink, fleet, faults, reaper) -> Figures:
    figures = Figures(scenario="with reaper" if reaper else "without reaper", reaper=reaper)
    started = time.monotonic()

    def waited(message: str) -> None:
        fleet.watch()
        if time.monotonic() - started > DEADLINE_SECONDS:
            pytest.fail(f"{message} after {DEADLINE_SECONDS} s\n{fleet.logs()}")
        time.sleep(0.2)

    # The fan-out is one transaction: the rows appear all at once.
    while Delivery.objects.filter(alert=alert).count() < expected_rows:
        waited("the alert was never fanned out")
    figures.rows = Delivery.objects.filter(alert=alert).count()

    plan = list(faults)
    restarted_at = None
    last_change, last_sent = time.monotonic(), -1
    while True:
        counts = _counts(alert)
        sent = counts[DeliveryStatus.SENT]
        if sent != last_sent:
            last_change, last_sent = time.monotonic(), sent
        if plan and sent >= plan[0][0] * figures.rows:
            _share, fault = plan.pop(0)
            if fault == KILL:
                fleet.kill_workers()
                # Nobody runs now: the rows in `sending` claimed since the last restart are
                # what these workers held, sent or not; only those can arrive twice. (Rows an
                # earlier kill left that the reaper has not put back yet were counted then.)
                held = Delivery.objects.filter(alert=alert, status=DeliveryStatus.SENDING)
                if restarted_at is not None:
                    held = held.filter(claimed_at__gte=restarted_at)
                figures.kills += 1
                figures.in_flight_at_kills.append(held.count())
                restarted_at = timezone.now()
                fleet.start_workers()
            elif fault == RESTART_REDIS:
                redis.restart()
                figures.redis_restarts += 1
            else:
                redis.wipe()
                figures.redis_wipes += 1
            figures.faults.append(f"{fault} at {sent:,} sent ({time.monotonic() - started:.1f} s)")
            continue
        if not plan:
            if reaper and _open(counts) == 0:
                alert.refresh_from_db()
                if alert.status == AlertStatus.SENT:
                    break
            if not reaper and (
                _open(counts) == 0 or time.monotonic() - last_change > QUIET_SECONDS
            ):
                break
        waited(f"still {dict(counts)}")

    figures.seconds = round(time.monotonic() - started, 1)
    figures.unexpected_exits = list(fleet.unexpected_exits)
    fleet.stop()
    sink.stop()

    counts = _counts(alert)
    figures.sent_rows = counts[DeliveryStatus.SENT]
    figures.open_rows = _open(counts)
    expected = dict(
        Delivery.objects.filter(alert=alert).values_list("subscriber__email", "message_id")
    )
    received = sink.received()
    arrived = {message_id for _, message_id in received}
    figures.received = len(received)
    figures.distinct_received = len(set(received))
    figures.missing = sum(1 for message_id in expected.values() if message_id not in arrived)
    figures.duplicates = len(received) - len(set(received))
    # A repeat under a new Message-ID, or mail nobody should have had.
    figures.foreign = sum(1 for address, mid in received if expected.get(address) != mid)
    figures.duplicate_bound = sum(figures.in_flight_at_kills)
    _report(figures)
    return figures


def _report(figures: Figures) -> None:
    print(
        f"\n[{figures.scenario}] rows {figures.rows:,}, sent {figures.sent_rows:,}, "
        f"still open {figures.open_rows:,}; arrived {figures.received:,} "
        f"({figures.distinct_received:,} distinct); missing {figures.missing:,}, "
        f"duplicates {figures.duplicates:,} (bound {figures.duplicate_bound:,}: in flight at "
        f"the kills {figures.in_flight_at_kills}), foreign {figures.foreign}; "
        f"kills {figures.kills}, Redis restarts {figures.redis_restarts}, wipes "
        f"{figures.redis_wipes}; {figures.seconds} s"
    )
    for line in figures.faults:
        print(f"  {line}")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    data = {}
    if REPORT.exists():
        try:
            data = json.loads(REPORT.read_text())
        except ValueError:
            data = {}
    data[figures.scenario] = {**asdict(figures), "at": timezone.now().isoformat()}
    REPORT.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@pytest.mark.django_db(transaction=True)
def test_no_mail_is_lost_when_workers_die_and_redis_restarts_and_is_wiped(
    alert_world, make_draft, parts
):
    category = alert_world.categories["incident"]
    subscribers_bulk(category=category, count=SUBSCRIBERS, prefix="faults")
    alert = urgent_alert(make_draft, alert_world)
    redis, sink, fleet = parts(reaper=True)

    figures = run_scenario(
        alert, SUBSCRIBERS, redis=redis, sink=sink, fleet=fleet, faults=FAULTS, reaper=True
    )

    assert figures.rows == SUBSCRIBERS
    assert figures.kills == 4 and figures.redis_restarts == 1 and figures.redis_wipes == 1
    # The kills hit mail being sent, or they proved nothing.
    assert figures.duplicate_bound > 0, figures.in_flight_at_kills
    assert figures.missing == 0
    assert figures.duplicates <= figures.duplicate_bound
    # A repeat carries the row's one Message-ID, to the row's own address.
    assert figures.foreign == 0
    assert figures.sent_rows == SUBSCRIBERS and figures.open_rows == 0
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT and alert.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_without_the_reaper_mail_is_lost(alert_world, make_draft, parts):
    """The negative control: the same faults with ALERTS_REAPER=false lose mail for good, so
    the test above would fail if the reaper stopped doing its work."""
    category = alert_world.categories["incident"]
    subscribers_bulk(category=category, count=CONTROL_SUBSCRIBERS, prefix="control")
    alert = urgent_alert(make_draft, alert_world)
    redis, sink, fleet = parts(reaper=False)

    figures = run_scenario(
        alert,
        CONTROL_SUBSCRIBERS,
        redis=redis,
        sink=sink,
        fleet=fleet,
        faults=CONTROL_FAULTS,
        reaper=False,
    )

    assert figures.kills == 1 and figures.redis_wipes == 1
    assert figures.missing > 0
    assert figures.open_rows > 0  # the rows say so too: never sent, never given up
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENDING
