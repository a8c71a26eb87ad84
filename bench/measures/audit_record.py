"""Issue 5's recording measures (bench/measures/audit.py lists them): the cost of recording
one access event through accounts.services.access_event_record (the ORM, the chain's
trigger, the deferred foreign keys) with several writers at once, next to the same raw
INSERT on the log (the trigger without the ORM) and a plain single-row INSERT into an
untriggered copy of the table (`bench_plain_accessevent`, made by `plain_table`); after
the writers, every chain they appended to is walked. Also the one chained INSERT the
floor measure uses as its baseline (`CHAINED_INSERT`).
"""

from __future__ import annotations

import contextlib
import statistics
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import permissions
from accounts import services as accounts_services
from accounts.audit import chain
from accounts.context import client_ip_var, request_id_var
from accounts.models import AccessChainHead, AccessEvent, User
from liaison.cards.models import LiaisonCard

from ..generate import World
from ..harness import Result, p95

EVENTS = AccessEvent._meta.db_table
PLAIN = "bench_plain_accessevent"
CARD = "liaison.liaisoncard"
WRITERS = 8


def plain_table() -> None:
    """The untriggered copy the record measures compare against: the same columns,
    defaults, checks and indexes (LIKE … INCLUDING ALL copies no trigger and no foreign
    key). Checked, since a trigger there would make the comparison meaningless."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {PLAIN} (LIKE {EVENTS} INCLUDING ALL)")
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass", [PLAIN])
        triggers = cursor.fetchone()[0]
    if triggers:
        raise RuntimeError(f"{PLAIN} にトリガーがあります（{triggers} 件）。")


PLAIN_COLUMNS = (
    "occurred_at, user_id, username, role, station_id, action, object_type, object_id, "
    "outcome, summary, client_ip, request_id, out_of_scope, break_glass, record_count, "
    "chain, seq, prev_hash, hash"
)
_VALUES = "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
PLAIN_INSERT = f"INSERT INTO {PLAIN} ({PLAIN_COLUMNS}) {_VALUES} RETURNING id"
# The same statement on the log itself: the trigger replaces chain, seq and the hashes.
CHAINED_INSERT = f"INSERT INTO {EVENTS} ({PLAIN_COLUMNS}) {_VALUES} RETURNING id"
_DUMMY_HASH = "0" * 64  # rows as wide as chained ones


@dataclass
class _Writer:
    index: int
    user_id: int
    card_id: int
    times: list[float]
    error: BaseException | None = None


def _record_worker(writer: _Writer, count: int, start: threading.Barrier) -> None:
    """One request's worth of state (the user with their appointments loaded, the card),
    then `count` events through the service, each its own autocommit INSERT."""
    try:
        user = User.objects.get(pk=writer.user_id)
        card = LiaisonCard.objects.select_related("station").get(pk=writer.card_id)
        permissions.active_appointments(user)  # a request has loaded them already
        client_ip_var.set(f"10.20.1.{10 + writer.index}")
        start.wait()
        for _ in range(count):
            request_id_var.set(uuid.uuid4().hex)
            started = time.perf_counter()
            accounts_services.access_event_record(
                user=user,
                action=AccessEvent.Action.VIEW,
                obj=card,
                station=card.station,
                summary="カードの閲覧",
            )
            writer.times.append(time.perf_counter() - started)
    except BaseException as exc:  # reported by the measure, not lost in the thread
        writer.error = exc
        start.abort()
    finally:
        connection.close()


def _insert_worker(statement: str, writer: _Writer, count: int, start: threading.Barrier) -> None:
    """The same columns in one raw INSERT, each its own autocommit statement."""
    try:
        user = User.objects.get(pk=writer.user_id)
        card = LiaisonCard.objects.get(pk=writer.card_id)
        role = permissions.acting_role(user)
        seq = 0  # positions of this writer's own "chain": the table is emptied before a round
        start.wait()
        with connection.cursor() as cursor:
            for _ in range(count):
                seq += 1
                started = time.perf_counter()
                cursor.execute(
                    statement,
                    [
                        timezone.now(),
                        user.pk,
                        user.employee_number,
                        role,
                        card.station_id,
                        AccessEvent.Action.VIEW.value,
                        CARD,
                        str(card.pk),
                        AccessEvent.Outcome.SUCCESS.value,
                        "カードの閲覧",
                        f"10.20.1.{10 + writer.index}",
                        uuid.uuid4().hex,
                        False,
                        False,
                        None,
                        writer.index,
                        seq,
                        _DUMMY_HASH,
                        _DUMMY_HASH,
                    ],
                )
                cursor.fetchone()
                writer.times.append(time.perf_counter() - started)
    except BaseException as exc:
        writer.error = exc
        start.abort()
    finally:
        connection.close()


def _plain_worker(writer: _Writer, count: int, start: threading.Barrier) -> None:
    _insert_worker(PLAIN_INSERT, writer, count, start)


def _chained_worker(writer: _Writer, count: int, start: threading.Barrier) -> None:
    _insert_worker(CHAINED_INSERT, writer, count, start)


def _writers_run(
    worker: Callable[[_Writer, int, threading.Barrier], None],
    users: list[int],
    cards: list[int],
    count: int,
) -> tuple[list[float], float]:
    """`len(users)` threads, each with its own connection, released at once; the
    per-event times and the wall time from the release to the last event."""
    start = threading.Barrier(len(users) + 1)
    writers = [
        _Writer(index=i, user_id=u, card_id=cards[i % len(cards)], times=[])
        for i, u in enumerate(users)
    ]
    threads = [threading.Thread(target=worker, args=(w, count, start)) for w in writers]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a writer failed: reported below
        start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    for w in writers:
        if w.error is not None:
            raise RuntimeError(f"書込み {w.index}：{w.error!r}") from w.error
    return [t for w in writers for t in w.times], wall


def _heads() -> dict[int, tuple[int, str]]:
    return {h.chain: (h.seq, h.hash) for h in AccessChainHead.objects.all()}


def _verify_appended(before: dict[int, tuple[int, str]]) -> tuple[int, list[str]]:
    """Walk every chain from its head before the writers to its head now: the appends
    made at once must form unbroken chains."""
    after = _heads()
    checked, breaks = 0, []
    for number, (seq, _) in sorted(after.items()):
        start = before.get(number, (0, ""))
        if seq <= start[0]:
            continue
        count, broken = chain._walk(number, chain._rows(number, start[0] + 1, seq), start, seq)
        checked += count
        if broken is not None:
            breaks.append(broken.describe())
    return checked, breaks


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _truncate_plain() -> None:
    # Emptied before every round: each writer numbers its own rows from 1 again.
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {PLAIN}")


@dataclass
class _Side:
    """One way of writing the event: its per-event times and wall time over the rounds."""

    worker: Callable[[_Writer, int, threading.Barrier], None]
    times: list[float]
    wall: float = 0.0

    def figures(self) -> dict[str, float]:
        return {
            "median_ms": _ms(statistics.median(self.times)),
            "p95_ms": _ms(p95(self.times)),
            "mean_ms": _ms(statistics.fmean(self.times)),
            "events_per_s": round(len(self.times) / self.wall),
        }


def record_run(measure, *, world: World, repeat: int, writers: int, **_) -> Result:
    """Three ways of writing the same event, in rounds (service, chained INSERT, plain
    INSERT; twice), `repeat` × 10 events per writer and way in all: the service as a
    request calls it (the ORM, the trigger, the deferred foreign keys), the same raw
    INSERT on the log (the trigger without the ORM), and the plain INSERT into the
    untriggered copy. Then the chains the writers appended to are walked."""
    result = Result(name=measure.name, title=measure.title)
    per_writer = max(50, 10 * repeat)
    rounds = 2
    officers = list(
        User.objects.filter(beat_assignments__revoked_at__isnull=True)
        .filter(beat_assignments__beat__post__station=world.station)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()[:writers]
    )
    users = [officers[i % len(officers)] for i in range(writers)]
    cards = list(
        LiaisonCard.objects.filter(station=world.station, book__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:writers]
    )
    sides = {
        "service": _Side(_record_worker, []),
        "chained": _Side(_chained_worker, []),
        "plain": _Side(_plain_worker, []),
    }
    try:
        before = _heads()
        # A few of each, untimed: connections open, plans cached, pages in memory.
        for side in sides.values():
            _truncate_plain()
            _writers_run(side.worker, users, cards, 3)
        for _ in range(rounds):
            for side in sides.values():
                _truncate_plain()
                times, wall = _writers_run(side.worker, users, cards, per_writer // rounds)
                side.times += times
                side.wall += wall
        _truncate_plain()
        checked, breaks = _verify_appended(before)
        if breaks:
            result.failure = "同時追記後の検証で異常：" + "、".join(breaks[:3])
            return result
        user = User.objects.get(pk=users[0])
        card = LiaisonCard.objects.select_related("station").get(pk=cards[0])
        permissions.active_appointments(user)
        with CaptureQueriesContext(connection) as captured:
            accounts_services.access_event_record(
                user=user, action=AccessEvent.Action.VIEW, obj=card, station=card.station
            )
    except Exception as exc:
        traceback.print_exc()
        result.failure = f"{type(exc).__name__}: {exc}"
        return result
    service, chained, plain = (sides[k].figures() for k in ("service", "chained", "plain"))
    result.median_ms = service["median_ms"]
    result.p95_ms = service["p95_ms"]
    result.queries = len(captured.captured_queries)
    result.baseline_ms = plain["median_ms"]
    result.extra = {
        "repeat": len(sides["service"].times),
        "baseline_p95_ms": plain["p95_ms"],
        "baseline_rows": len(sides["plain"].times),
        "sql_ms": None,
        "writers": writers,
        "events_per_writer": per_writer // rounds * rounds,
        "mean_ms": service["mean_ms"],
        "baseline_mean_ms": plain["mean_ms"],
        "events_per_s": service["events_per_s"],
        "baseline_events_per_s": plain["events_per_s"],
        "throughput_ratio": round(plain["events_per_s"] / service["events_per_s"], 2),
        "chained_insert": chained,
        "verified_after": checked,
        "events": world.extra.get("audit_events"),
    }
    for label, figures in (
        ("access_event_record", service),
        ("INSERT（トリガーあり）", chained),
        ("素の INSERT", plain),
    ):
        print(
            f"  {writers} 人同時 {label}：中央値 {figures['median_ms']:.2f} ms・"
            f"p95 {figures['p95_ms']:.2f} ms・平均 {figures['mean_ms']:.2f} ms・"
            f"{figures['events_per_s']:,} 件/秒"
        )
    print(f"  追記後の連鎖の検証：{checked:,} 件、正常")
    return result
