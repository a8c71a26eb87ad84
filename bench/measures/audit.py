"""Issue 5: the HQ audit over ten million access events.

- The auditor's search page by person, by card and by one day, each next to the raw SQL
  of the same page of rows (the same WHERE, ORDER BY occurred_at DESC, id DESC, the
  page's 50 rows and the one more that tells whether there is a next page);
- one chain verification of a day's events (accounts.audit.chain.verify_day, in Python)
  next to a set-based SQL check of the same positions;
- the cost of recording one access event (accounts.services.access_event_record, through
  the chain's trigger) with eight writers at once and with one, next to a plain single-row
  INSERT of the same columns into an untriggered copy of the table (the code is in
  bench/measures/audit_record.py; this module lists those measures too).

`prepare` adds the 本部監査担当 (through the services) and, once, the events
(bench/generate_audit.py: 200 per card, ten million for the 50,000 cards, in SQL).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import traceback
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts import permissions
from accounts import services as accounts_services
from accounts.audit import chain
from accounts.models import AccessEvent, Beat, Post, Role, Station, User
from liaison.cards.models import LiaisonCard

from .. import generate_audit
from ..generate import PASSWORD, World
from ..harness import CodeMeasure, Measure, Result, measure_run, p95
from . import audit_record

AUDITOR_NUMBER = "B900003"
EVENTS = AccessEvent._meta.db_table
USERS = User._meta.db_table
STATIONS = Station._meta.db_table
CARD = "liaison.liaisoncard"
BOOK = "liaison.liaisonbook"
CARDS = LiaisonCard._meta.db_table
BEATS = Beat._meta.db_table
POSTS = Post._meta.db_table
PAGE_ROWS = 51  # the page's 50 rows and one more: is there a next page
VERIFY_REPEAT = 10  # a verification walks a whole day: fewer repetitions than a page


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
    audit_record.plain_table()
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
    """The page's rows with what each row shows: the user and station (select_related)
    and the target's label (accounts.audit.events.describe: a card's station, post and
    beat; a book's station, post and beat), joined to the 51 rows only."""
    return f"""
        WITH page AS (
            SELECT e.* FROM {EVENTS} e
            WHERE {where}
            ORDER BY e.occurred_at DESC, e.id DESC
            LIMIT {PAGE_ROWS}
        )
        SELECT e.*, u.employee_number, u.full_name, s.name AS station_name,
            t.station_name AS target_station, t.post_name AS target_post,
            t.beat_name AS target_beat
        FROM page e
        LEFT JOIN {USERS} u ON u.id = e.user_id
        LEFT JOIN {STATIONS} s ON s.id = e.station_id
        LEFT JOIN LATERAL (
            SELECT ts.name AS station_name, p.name AS post_name, b.name AS beat_name
            FROM {CARDS} c
            JOIN {STATIONS} ts ON ts.id = c.station_id
            LEFT JOIN {BEATS} b ON b.id = c.book_id
            LEFT JOIN {POSTS} p ON p.id = b.post_id
            WHERE e.object_type = '{CARD}' AND e.object_id ~ '^[0-9]{{1,18}}$'
              AND c.id = e.object_id::bigint
            UNION ALL
            SELECT ts.name, p.name, b.name
            FROM {BEATS} b
            JOIN {POSTS} p ON p.id = b.post_id
            JOIN {STATIONS} ts ON ts.id = p.station_id
            WHERE e.object_type = '{BOOK}' AND e.object_id ~ '^[0-9]{{1,18}}$'
              AND b.id = e.object_id::bigint
        ) t ON true
        ORDER BY e.occurred_at DESC, e.id DESC"""


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
        runner=audit_record.record_run,
        options=(("writers", audit_record.WRITERS),),
    ),
    CodeMeasure(
        name="audit_record_1",
        title="閲覧記録の記録（1人）と素の INSERT",
        runner=audit_record.record_run,
        options=(("writers", 1),),
    ),
]
