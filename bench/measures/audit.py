"""Issue 5: the HQ audit over ten million access events.

- The auditor's search page by person, by card and by one day, each next to the raw SQL
  of the same page of rows (the same WHERE, ORDER BY occurred_at DESC, id DESC, the
  page's 50 rows and the one more that tells whether there is a next page);
- one chain verification of a day's events (accounts.audit.chain.verify_day, in Python)
  next to a set-based SQL check of the same positions;
- the cost of recording one access event (accounts.services.access_event_record, through
  the chain's trigger) with eight writers at once and with one, next to a plain single-row
  INSERT of the same columns into an untriggered copy of the table.

`prepare` adds the 本部監査担当 (through the services) and, once, the events
(bench/generate_audit.py: 200 per card, ten million for the 50,000 cards, in SQL).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import statistics
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts import permissions
from accounts import services as accounts_services
from accounts.audit import chain
from accounts.context import client_ip_var, request_id_var
from accounts.models import AccessChainHead, AccessEvent, Role, Station, User
from liaison.cards.models import LiaisonCard

from .. import generate_audit
from ..generate import PASSWORD, World
from ..harness import Measure, Result, measure_run, p95

AUDITOR_NUMBER = "B900003"
EVENTS = AccessEvent._meta.db_table
USERS = User._meta.db_table
STATIONS = Station._meta.db_table
PLAIN = "bench_plain_accessevent"
CARD = "liaison.liaisoncard"
PAGE_ROWS = 51  # the page's 50 rows and one more: is there a next page
VERIFY_REPEAT = 10  # a verification walks a whole day: fewer repetitions than a page
WRITERS = 8


# --- Data ------------------------------------------------------------------------------------


def _auditor(world: World) -> User:
    """The HQ auditor (本部監査担当), appointed through the services as in production."""
    user = User.objects.filter(employee_number=AUDITOR_NUMBER).first()
    if user is None:
        user = User.objects.create_user(
            AUDITOR_NUMBER, PASSWORD, full_name="中村 美和", full_name_kana="ナカムラ ミワ"
        )
    if not permissions.can_audit(user):
        accounts_services.appointment_start(
            actor=None,
            user=user,
            role=Role.AUDITOR,
            unit=world.station.headquarters,
            starts_on=timezone.localdate() - dt.timedelta(days=400),
        )
        user = User.objects.get(pk=user.pk)
    return user


def _plain_table() -> None:
    """The untriggered copy the record measures compare against: the same columns,
    defaults, checks and indexes (LIKE … INCLUDING ALL copies no trigger and no foreign
    key). Checked, since a trigger there would make the comparison meaningless."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {PLAIN} (LIKE {EVENTS} INCLUDING ALL)")
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass", [PLAIN])
        triggers = cursor.fetchone()[0]
    if triggers:
        raise RuntimeError(f"{PLAIN} にトリガーがあります（{triggers} 件）。")


def _sizes() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(%s::regclass), pg_indexes_size(%s::regclass), "
            "pg_total_relation_size(%s::regclass)",
            [EVENTS, EVENTS, EVENTS],
        )
        table, indexes, total = cursor.fetchone()
    return {"table": table, "indexes": indexes, "total": total}


def _events_on(day: dt.date) -> int:
    start, end = _day_bounds(day)
    return AccessEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end).count()


def _measured_day(world: World) -> dt.date:
    """The day the date search and the verification look at: a weekday a week or more ago
    that holds a full day of the generated log (at least half the average day), so that a
    run weeks after the generation still measures a busy day, not an empty one."""
    enough = generate_audit.events_target(world) / generate_audit.DAYS / 2
    day = timezone.localdate() - dt.timedelta(days=7)
    for _ in range(generate_audit.DAYS):
        if day.weekday() < 5 and _events_on(day) >= enough:
            return day
        day -= dt.timedelta(days=1)
    return timezone.localdate() - dt.timedelta(days=7)


def prepare(world: World, options) -> None:
    world.extra["auditor"] = _auditor(world)
    seconds = generate_audit.events_ensure(world)
    _plain_table()
    world.extra["audit_events"] = generate_audit.events_present()
    sizes = _sizes()
    mib = {k: round(v / 2**20) for k, v in sizes.items()}
    print(
        f"  閲覧記録 {world.extra['audit_events']:,} 件：表 {mib['table']:,} MiB、"
        f"索引 {mib['indexes']:,} MiB、計 {mib['total']:,} MiB"
    )
    world.extra["audit_day"] = measured = _measured_day(world)
    if seconds is not None:
        # Proof that the set-based load built real chains: two days walked in Python.
        for day in (measured, measured - dt.timedelta(days=90)):
            result = chain.verify_day(day)
            state = "正常" if result.ok else f"異常 {result.first.describe()}"
            print(f"  {day} の検証：{result.checked:,} 件、{state}")


# --- The search page -------------------------------------------------------------------------


def _search_url(world: World, query: str) -> str:
    return f"{reverse('accounts:audit_event_list')}?{query}"


def _search_sql(where: str) -> str:
    """The page's rows with the user and station the rows show (select_related)."""
    return f"""
        SELECT e.*, u.employee_number, u.full_name, s.name AS station_name
        FROM {EVENTS} e
        LEFT JOIN {USERS} u ON u.id = e.user_id
        LEFT JOIN {STATIONS} s ON s.id = e.station_id
        WHERE {where}
        ORDER BY e.occurred_at DESC, e.id DESC
        LIMIT {PAGE_ROWS}"""


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _person_sql(world: World) -> tuple[str, list[Any]]:
    # The page turns the 職員番号 into the user first; one statement does both here.
    where = f"e.user_id = (SELECT id FROM {USERS} WHERE employee_number = %s)"
    return _search_sql(where), [world.beat_officer.employee_number]


def _card_sql(world: World) -> tuple[str, list[Any]]:
    return _search_sql("e.object_type = %s AND e.object_id = %s"), [
        CARD,
        str(world.measured_card.pk),
    ]


def _date_sql(world: World) -> tuple[str, list[Any]]:
    return _search_sql("e.occurred_at >= %s AND e.occurred_at < %s"), list(
        _day_bounds(world.extra["audit_day"])
    )


def _auditor_of(world: World) -> User:
    return world.extra["auditor"]


@dataclass(frozen=True)
class AuditPage(Measure):
    """A page measure that reports itself skipped (not the whole run broken) while the
    audit page is not there yet, and notes how many events it searched."""

    def run(self, *, world: World, client, repeat: int, warmup: int, explain: bool) -> Result:
        try:
            self.url(world)
        except NoReverseMatch:
            return Result(
                name=self.name,
                title=self.title,
                failure="監査の検索ページ（accounts:audit_event_list）がまだありません",
            )
        result = measure_run(
            self, world=world, client=client, repeat=repeat, warmup=warmup, explain=explain
        )
        if not result.failure:
            result.extra["events"] = world.extra.get("audit_events")
        return result


# --- Chain verification of a day ------------------------------------------------------------

VERIFY_SQL = f"""
WITH span AS (
    SELECT chain, min(seq) AS lo, max(seq) AS hi
    FROM {EVENTS}
    WHERE occurred_at >= %(start)s AND occurred_at < %(end)s
    GROUP BY chain
)
SELECT s.chain, count(*) AS checked,
    count(*) FILTER (WHERE l.computed <> l.hash) AS altered,
    count(*) FILTER (WHERE l.prev_hash <> coalesce(l.before_hash, '')) AS unlinked,
    count(*) FILTER (WHERE l.seq <> coalesce(l.before_seq, 0) + 1) AS missing
FROM span s
CROSS JOIN LATERAL (
    -- Per chain, through the (chain, seq) index, from the link before the day's first.
    SELECT e.seq, e.prev_hash, e.hash,
        encode(sha256(convert_to(e.prev_hash || accounts_ae_canonical(e), 'UTF8')), 'hex')
            AS computed,
        lag(e.hash) OVER (ORDER BY e.seq) AS before_hash,
        lag(e.seq) OVER (ORDER BY e.seq) AS before_seq
    FROM {EVENTS} e
    WHERE e.chain = s.chain AND e.seq BETWEEN s.lo - 1 AND s.hi
) l
WHERE l.seq >= s.lo
GROUP BY s.chain
ORDER BY s.chain
"""


def _verify_sql(day: dt.date) -> tuple[int, int]:
    """The same positions as verify_day, set-based: every hash recomputed by the trigger's
    own canonical function, every prev_hash against the hash before it, no position
    missing. (checked, broken)."""
    start, end = _day_bounds(day)
    with connection.cursor() as cursor:
        cursor.execute(VERIFY_SQL, {"start": start, "end": end})
        rows = cursor.fetchall()
    return sum(r[1] for r in rows), sum(r[2] + r[3] + r[4] for r in rows)


def _verify_run(measure, *, world: World, repeat: int, warmup: int, **_) -> Result:
    result = Result(name=measure.name, title=measure.title)
    day = world.extra["audit_day"]
    repeat = min(repeat, VERIFY_REPEAT)
    try:
        first = chain.verify_day(day)
        if not first.ok:
            result.failure = f"検証で異常：{first.first.describe()}"
            return result
        _verify_sql(day)
        code_times, sql_times = [], []
        checked = rows = broken = 0
        for _ in range(repeat):
            started = time.perf_counter()
            verification = chain.verify_day(day)
            code_times.append(time.perf_counter() - started)
            checked = verification.checked
            started = time.perf_counter()
            rows, broken = _verify_sql(day)
            sql_times.append(time.perf_counter() - started)
        if broken:
            result.failure = f"SQL の検証で異常 {broken} 件"
            return result
        with CaptureQueriesContext(connection) as captured:
            chain.verify_day(day)
    except Exception as exc:
        traceback.print_exc()
        result.failure = f"{type(exc).__name__}: {exc}"
        return result
    result.median_ms = round(statistics.median(code_times) * 1000, 2)
    result.p95_ms = round(p95(code_times) * 1000, 2)
    result.queries = len(captured.captured_queries)
    result.baseline_ms = round(statistics.median(sql_times) * 1000, 2)
    result.extra = {
        "repeat": repeat,
        "baseline_p95_ms": round(p95(sql_times) * 1000, 2),
        "baseline_rows": rows,
        "sql_ms": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 2),
        "day": day.isoformat(),
        "events_checked": checked,
        "events_per_s": round(checked / statistics.median(code_times)),
        "baseline_events_per_s": round(rows / statistics.median(sql_times)),
        "events": world.extra.get("audit_events"),
    }
    print(
        f"  {day}：{checked:,} 件を検証、verify_day {result.median_ms:,.0f} ms"
        f"（{result.extra['events_per_s']:,} 件/秒）、SQL {result.baseline_ms:,.0f} ms"
    )
    return result


# --- Recording with writers at once -----------------------------------------------------------

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


def _record_run(measure, *, world: World, repeat: int, writers: int, **_) -> Result:
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


@dataclass(frozen=True)
class CodeMeasure:
    """A measure that times code, not a page (bench/run.py calls `run` when there is one)."""

    name: str
    title: str
    runner: Callable[..., Result]
    options: tuple[tuple[str, Any], ...] = ()
    as_user: Callable[[World], Any] | None = None

    def run(self, *, world: World, client, repeat: int, warmup: int, explain: bool) -> Result:
        return self.runner(
            self, world=world, client=client, repeat=repeat, warmup=warmup, **dict(self.options)
        )


MEASURES = [
    AuditPage(
        name="audit_person",
        title="閲覧記録の検索（職員：最も多い受持警察官）",
        url=lambda w: _search_url(w, f"person={w.beat_officer.employee_number}"),
        baseline=_person_sql,
        as_user=_auditor_of,
    ),
    AuditPage(
        name="audit_card",
        title="閲覧記録の検索（カード）",
        url=lambda w: _search_url(w, f"card={w.measured_card.pk}"),
        baseline=_card_sql,
        as_user=_auditor_of,
    ),
    AuditPage(
        name="audit_day",
        title="閲覧記録の検索（期間：1日）",
        url=lambda w: _search_url(
            w, "start={0:%Y-%m-%d}&end={0:%Y-%m-%d}".format(w.extra["audit_day"])
        ),
        baseline=_date_sql,
        as_user=_auditor_of,
    ),
    CodeMeasure(
        name="audit_verify_day",
        title="1日分の閲覧記録のハッシュ連鎖の検証（verify_day）",
        runner=_verify_run,
    ),
    CodeMeasure(
        name="audit_record_8",
        title="閲覧記録の記録（8人同時）と素の INSERT",
        runner=_record_run,
        options=(("writers", WRITERS),),
    ),
    CodeMeasure(
        name="audit_record_1",
        title="閲覧記録の記録（1人）と素の INSERT",
        runner=_record_run,
        options=(("writers", 1),),
    ),
]
