"""Issue 4: the station progress page and an officer's worklist over 500,000 visits of two
years, each next to the raw SQL aggregate (or list) of the same figures in the same run.

`prepare` adds, once: a beat officer for every beat, a frequency policy with shorter cycles
for care points, and the visits, generated in SQL (a minute at most): about ten per card
over the last two years (between none and twenty), a fifth of the cards last visited more
than a year ago so that worklists are not empty, 3% after 17:00 with an approved night
request for that officer and date, 2% with a follow-up (half still open), some on
dedicated days. Then the cards' last visit and last attempt are set from their visits.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Beat, BeatAssignment, Post, Role, User
from liaison.cards.models import LiaisonCard
from liaison.handouts.models import CardHandout
from liaison.night.models import NightVisitRequest
from liaison.planning.models import DedicatedDay, MonthlyPlan, VisitPolicy
from liaison.planning.views import WORKLIST_PER_PAGE as WORKLIST_PAGE
from liaison.progress.views import TREND_MONTHS
from liaison.visits.models import Visit
from liaison.visits.tally import visit_tally_rebuild

from ..generate import PASSWORD, World, _beats_in_order
from ..harness import Measure
from . import due
from .due import POLICY

VISITS = 500_000
CARDS = LiaisonCard._meta.db_table
VISIT_TABLE = Visit._meta.db_table
NIGHT = NightVisitRequest._meta.db_table
BEATS = Beat._meta.db_table
POSTS = Post._meta.db_table
USERS = User._meta.db_table
ASSIGNMENTS = BeatAssignment._meta.db_table
PLANS = MonthlyPlan._meta.db_table
DEDICATED = DedicatedDay._meta.db_table
HANDOUTS = CardHandout._meta.db_table


def _officers(world: World) -> dict[int, int]:
    """beat id -> officer id: the generated beat officer keeps the first beat; every other
    beat gets one (made once, through the real services)."""
    beats = _beats_in_order(world.station)
    start = timezone.localdate() - dt.timedelta(days=800)
    officers = {}
    for index, beat in enumerate(beats):
        assignment = BeatAssignment.objects.filter(beat=beat, revoked_at__isnull=True).first()
        if assignment is None:
            officer = User.objects.create_user(
                f"B91{index:04d}",
                PASSWORD,
                full_name=f"巡回 {index:02d}郎",
                full_name_kana=f"ジュンカイ {index:02d}ロウ",
            )
            accounts_services.appointment_start(
                actor=None, user=officer, role=Role.BEAT_OFFICER, unit=beat.post, starts_on=start
            )
            assignment = accounts_services.beat_assignment_start(
                actor=None, officer=officer, beat=beat, starts_on=start
            )
        officers[beat.pk] = assignment.officer_id
    return officers


def _policy(world: World) -> None:
    VisitPolicy.objects.update_or_create(
        headquarters_id=world.station.headquarters_id, defaults={**POLICY, "reason": "ベンチ"}
    )


def prepare(world: World, options) -> None:
    _policy(world)
    officers = _officers(world)
    have = Visit.objects.filter(station=world.station).count()
    if have >= VISITS * 0.95:
        world.extra["visits"] = have
        return
    started = time.perf_counter()
    print(f"  巡回連絡 {VISITS:,} 件を作成中…", flush=True)
    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {VISIT_TABLE} WHERE station_id = %s", [world.station.pk])
        cursor.execute(f"DELETE FROM {NIGHT} WHERE station_id = %s", [world.station.pk])
        cursor.execute("CREATE TEMP TABLE bench_officer (beat_id bigint, officer_id bigint)")
        cursor.executemany("INSERT INTO bench_officer VALUES (%s, %s)", list(officers.items()))
        cards = LiaisonCard.objects.filter(station=world.station, status="filed").count()
        per_card = max(1, round(VISITS / max(cards, 1)))
        # Each filed card gets between 0 and 2 × per_card visits (seeded by its id); a fifth
        # of the cards (id % 5 = 0) only in the older year. Times 08:30–16:50, 3% at night.
        cursor.execute(
            f"""
            INSERT INTO {VISIT_TABLE} (
                card_id, officer_id, book_id, station_id, started_at, ended_at, outcome,
                topic_trends, topic_local, topic_first_aid, topic_procedures, topic_other,
                topic_note, concerns, follow_up_department, follow_up_note, follow_up_done_at,
                follow_up_done_by_id, night_request_id, on_dedicated_day, outside_hours,
                outside_hours_rule, outside_hours_reason, hours_acknowledgement_note,
                recorded_at)
            SELECT c.id, o.officer_id, c.book_id, c.station_id, s.at, s.at + interval '10 min',
                CASE WHEN s.r < 0.70 THEN 'met' WHEN s.r < 0.90 THEN 'absent'
                     WHEN s.r < 0.95 THEN 'card_handed' WHEN s.r < 0.98 THEN 'refused'
                     ELSE 'correction_only' END,
                CASE WHEN s.r < 0.6 THEN 'guidance' ELSE '' END,
                CASE WHEN s.r < 0.4 THEN 'information' ELSE '' END,
                CASE WHEN s.r < 0.2 THEN 'guidance' ELSE '' END,
                CASE WHEN s.r < 0.1 THEN 'report_request' ELSE '' END, '',
                '', CASE WHEN s.f < 0.05 THEN '街灯が暗い' ELSE '' END,
                CASE WHEN s.f < 0.02 THEN 'safety' ELSE '' END,
                CASE WHEN s.f < 0.02 THEN '防犯灯の設置を市に要望' ELSE '' END,
                CASE WHEN s.f < 0.01 THEN s.at + interval '7 days' END,
                CASE WHEN s.f < 0.01 THEN o.officer_id END,
                NULL, false, false, '', '', '', s.at
            FROM {CARDS} c
            JOIN bench_officer o ON o.beat_id = c.book_id
            CROSS JOIN LATERAL generate_series(
                1, (abs(hashtext(c.id::text)) %% (2 * %s + 1))) g
            CROSS JOIN LATERAL (
                SELECT
                    (%s::date - (CASE WHEN c.id %% 5 = 0 THEN 366 + (random() * 363)::int
                                      ELSE (random() * 729)::int END))::timestamp
                    + CASE WHEN random() < 0.03
                           THEN interval '17 hours' + (random() * 170)::int * interval '1 min'
                           ELSE interval '8 hours 30 min' + (random() * 500)::int * interval '1 min'
                      END AS local,
                    random() AS r, random() AS f
            ) l
            CROSS JOIN LATERAL (
                SELECT l.local AT TIME ZONE 'Asia/Tokyo' AS at, l.r, l.f
            ) s
            WHERE c.station_id = %s AND c.status = 'filed'
            """,
            [per_card, today, world.station.pk],
        )
        # One approved night request for every officer and date with a night visit (one
        # open request per officer and date is a constraint).
        cursor.execute(
            f"""
            INSERT INTO {NIGHT} (officer_id, station_id, date, planned_start, planned_end,
                reason, status, requested_at, decided_by_id, decided_at, decision_comment,
                withdrawn_at)
            SELECT DISTINCT ON (v.officer_id, (v.started_at AT TIME ZONE 'Asia/Tokyo')::date)
                v.officer_id, v.station_id,
                (v.started_at AT TIME ZONE 'Asia/Tokyo')::date, time '17:00', time '20:00',
                '日中不在の世帯', 'approved', v.started_at - interval '1 day', %s,
                v.started_at - interval '20 hours', '', NULL::timestamptz
            FROM {VISIT_TABLE} v
            WHERE v.station_id = %s
              AND (v.started_at AT TIME ZONE 'Asia/Tokyo')::time >= time '17:00'
            ORDER BY v.officer_id, (v.started_at AT TIME ZONE 'Asia/Tokyo')::date, v.started_at
            """,
            [world.chief.pk, world.station.pk],
        )
        cursor.execute(
            f"""
            UPDATE {VISIT_TABLE} v SET night_request_id = n.id
            FROM {NIGHT} n
            WHERE v.station_id = %s AND n.officer_id = v.officer_id
              AND n.date = (v.started_at AT TIME ZONE 'Asia/Tokyo')::date
              AND (v.started_at AT TIME ZONE 'Asia/Tokyo')::time >= time '17:00'
            """,
            [world.station.pk],
        )
        # One dedicated day a month per officer: visits on the 10th count as such.
        cursor.execute(
            f"""
            UPDATE {VISIT_TABLE} SET on_dedicated_day = true
            WHERE station_id = %s
              AND extract(day FROM started_at AT TIME ZONE 'Asia/Tokyo') = 10
            """,
            [world.station.pk],
        )
        cursor.execute(
            f"""
            UPDATE {CARDS} c SET last_visit_on = a.visited, last_attempt_on = a.attempted
            FROM (
                SELECT card_id,
                    max((started_at AT TIME ZONE 'Asia/Tokyo')::date)
                        FILTER (WHERE outcome <> 'absent') AS visited,
                    max((started_at AT TIME ZONE 'Asia/Tokyo')::date) AS attempted
                FROM {VISIT_TABLE} WHERE station_id = %s GROUP BY card_id
            ) a
            WHERE c.id = a.card_id
            """,
            [world.station.pk],
        )
        cursor.execute("DROP TABLE bench_officer")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {VISIT_TABLE}")
        cursor.execute(f"ANALYZE {CARDS}")
    # The SQL above goes around the services: the progress rollup is counted from it.
    visit_tally_rebuild(station_id=world.station.pk)
    have = Visit.objects.filter(station=world.station).count()
    world.extra["visits"] = have
    print(f"  巡回連絡 {have:,} 件を作成しました（{time.perf_counter() - started:.1f} 秒）")


def _month_bounds(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """This month's start and end, Tokyo midnights."""
    tz = timezone.get_current_timezone()
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        dt.datetime.combine(following, dt.time.min, tzinfo=tz),
    )


def _visit_columns() -> str:
    """The month's visit figures (liaison.progress _visit_figures) as aggregate columns."""
    month = "started_at >= %(start)s AND started_at < %(end)s"
    return f"""count(*) FILTER (WHERE {month}) AS visits,
                count(*) FILTER (WHERE {month} AND night_request_id IS NOT NULL) AS night,
                count(*) FILTER (WHERE {month} AND on_dedicated_day) AS dedicated,
                count(*) FILTER (WHERE {month} AND follow_up_department <> '') AS raised,
                count(*) FILTER (WHERE follow_up_done_at IS NULL
                    AND follow_up_department <> '') AS open"""


def _trend_starts(today: dt.date) -> list[dt.datetime]:
    """The starts of the trend's 12 months and of the month after, Tokyo midnights."""
    tz = timezone.get_current_timezone()
    month = today.replace(day=1)
    starts = [month]
    for _ in range(TREND_MONTHS - 1):
        starts.insert(0, (starts[0] - dt.timedelta(days=1)).replace(day=1))
    starts.append((month + dt.timedelta(days=32)).replace(day=1))
    return [dt.datetime.combine(d, dt.time.min, tzinfo=tz) for d in starts]


def _trend_columns() -> str:
    return ", ".join(
        f"count(*) FILTER (WHERE started_at >= %(m{i})s AND started_at < %(m{i + 1})s), "
        f"count(night_request_id) FILTER (WHERE started_at >= %(m{i})s "
        f"AND started_at < %(m{i + 1})s)"
        for i in range(TREND_MONTHS)
    )


def _progress_sql(world: World) -> tuple[str, Any]:
    """What the station page shows, in one statement: per beat (with its post) the cards to
    visit, visited within their cycle and overdue (the policy's cycles as constants) and the
    month's visits, night visits, visits on dedicated days, follow-ups raised and open; per
    assigned officer (named) the same visit figures, the cards of his beats, his monthly
    plan and his dedicated days; and the 12-month trend. One row per beat, the officers
    and the trend as JSON columns (computed once)."""
    today = timezone.localdate()
    relevant = """station_id = %(station)s
              AND ((started_at >= %(start)s AND started_at < %(end)s)
                   OR (follow_up_done_at IS NULL AND follow_up_department <> ''))"""
    sql = f"""
        WITH cards AS (
            SELECT book_id, {due.figures("%(today)s::date")}
            FROM {CARDS}
            WHERE station_id = %(station)s
            GROUP BY book_id
        ), grouped AS (
            -- One pass over the relevant visits for both groupings.
            SELECT book_id, officer_id, GROUPING(book_id) AS by_officer, {_visit_columns()}
            FROM {VISIT_TABLE} WHERE {relevant}
            GROUP BY GROUPING SETS ((book_id), (officer_id))
        ), by_beat AS (
            SELECT * FROM grouped WHERE by_officer = 0
        ), by_officer AS (
            SELECT * FROM grouped WHERE by_officer = 1
        ), beats AS (
            SELECT b.id, b.name, p.name AS post_name
            FROM {BEATS} b JOIN {POSTS} p ON p.id = b.post_id
            WHERE p.station_id = %(station)s
        ), officers AS (
            SELECT a.officer_id, u.employee_number, u.full_name,
                sum(c.to_visit) AS to_visit, sum(c.visited) AS visited,
                sum(c.to_visit - c.in_time) AS overdue
            FROM {ASSIGNMENTS} a
            JOIN beats b ON b.id = a.beat_id
            JOIN {USERS} u ON u.id = a.officer_id
            LEFT JOIN cards c ON c.book_id = a.beat_id
            WHERE a.granted_at IS NOT NULL AND a.revoked_at IS NULL
            GROUP BY a.officer_id, u.employee_number, u.full_name
        ), officer_rows AS (
            SELECT json_agg(o ORDER BY o.employee_number) AS officers FROM (
                SELECT officers.*, v.visits, v.night, v.dedicated, v.raised, v.open,
                    (SELECT planned_households FROM {PLANS} m
                     WHERE m.station_id = %(station)s AND m.month = %(first)s
                       AND m.officer_id = officers.officer_id) AS planned,
                    (SELECT count(*) FROM {DEDICATED} d
                     WHERE d.station_id = %(station)s AND d.officer_id = officers.officer_id
                       AND d.date >= %(first)s AND d.date < %(following)s) AS dedicated_days
                FROM officers LEFT JOIN by_officer v ON v.officer_id = officers.officer_id
            ) o
        ), trend AS (
            -- A FILTER per month on the indexed time (no per-row time zone arithmetic).
            SELECT json_build_array({_trend_columns()}) AS months
            FROM {VISIT_TABLE}
            WHERE station_id = %(station)s AND started_at >= %(m0)s AND started_at < %(end)s
        )
        SELECT b.*, c.to_visit, c.visited, c.to_visit - c.in_time AS overdue,
            v.visits, v.night, v.dedicated, v.raised, v.open,
            (SELECT officers FROM officer_rows), (SELECT months FROM trend)
        FROM beats b
        LEFT JOIN cards c ON c.book_id = b.id
        LEFT JOIN by_beat v ON v.book_id = b.id
        ORDER BY b.post_name, b.name"""
    start, end = _month_bounds(today)
    months = {f"m{i}": at for i, at in enumerate(_trend_starts(today))}
    return sql, {
        "today": today,
        "station": world.station.pk,
        "start": start,
        "end": end,
        "first": start.date(),
        "following": end.date(),
        **months,
    }


def _worklist_sql(world: World) -> tuple[str, Any]:
    """What the officer's worklist shows, in one statement: the first page (50) of his due
    cards not tried today, most pressing first (overdue days × (1 + care points), then
    address), with what a row shows (beat, due date, overdue days) and how many there are;
    the figures of his beat (要訪問・期限超過), the cards tried today, his open handouts
    (the first twenty, their count and how many are past their date) and his dedicated
    days this month, as columns computed once."""
    today = timezone.localdate()
    sql = f"""
        WITH due AS (
            SELECT c.id, c.kind, c.head_name, c.head_kana, c.town, c.banchi, c.building,
                c.room, c.phone, c.care_count, c.care_elderly_alone, c.care_elderly_only,
                c.care_needs_support, c.care_foreign, c.last_visit_on, c.last_attempt_on,
                c.address_key, c.book_id, b.name AS beat_name, d.due_on,
                greatest(0, %(today)s::date - d.due_on) AS overdue_days
            FROM {CARDS} c
            JOIN {BEATS} b ON b.id = c.book_id
            CROSS JOIN LATERAL (
                SELECT coalesce(c.last_visit_on + {due.cycle("c.")},
                    (coalesce(c.filed_at, c.created_at) AT TIME ZONE 'Asia/Tokyo')::date)
                    AS due_on
            ) d
            WHERE c.book_id = %(book)s AND c.{due.COUNTED.replace(" AND ", " AND c.")}
              AND (c.last_attempt_on IS NULL OR c.last_attempt_on <> %(today)s::date)
              AND NOT coalesce({due.fresh("%(today)s::date", "c.")}, false)
        ), figures AS (
            SELECT {due.figures("%(today)s::date")},
                count(*) FILTER (WHERE last_attempt_on = %(today)s::date) AS tried_today
            FROM {CARDS} WHERE book_id = %(book)s
        ), handouts AS (
            SELECT json_agg(h ORDER BY h.collect_by, h.id) FILTER (WHERE h.n <= 20) AS rows,
                count(*) AS handouts, count(*) FILTER (WHERE h.collect_by < %(today)s::date)
                    AS handouts_overdue
            FROM (
                SELECT h.*, row_number() OVER (ORDER BY h.collect_by, h.id) AS n
                FROM {HANDOUTS} h WHERE h.book_id = %(book)s AND h.status = 'open'
            ) h
        )
        SELECT due.*, count(*) OVER () AS total,
            f.to_visit - f.visited AS due_count, f.to_visit - f.in_time AS overdue_count,
            f.tried_today, h.rows AS handout_rows, h.handouts, h.handouts_overdue,
            (SELECT array_agg(date ORDER BY date) FROM {DEDICATED}
             WHERE officer_id = %(officer)s AND date >= %(first)s AND date < %(following)s)
                AS dedicated_days
        FROM due CROSS JOIN figures f CROSS JOIN handouts h
        ORDER BY due.overdue_days * (1 + due.care_count) DESC, due.address_key, due.id
        LIMIT %(limit)s"""
    start, end = _month_bounds(today)
    return sql, {
        "book": world.measured_book.pk,
        "officer": world.beat_officer.pk,
        "today": today,
        "first": start.date(),
        "following": end.date(),
        "limit": WORKLIST_PAGE,
    }


def _officer(world: World) -> User:
    return world.beat_officer


MEASURES = [
    Measure(
        name="station_progress",
        title="署の進捗（受持区別・警察官別、今月）",
        url=lambda w: reverse("liaison:station_progress", kwargs={"pk": w.station.pk}),
        baseline=_progress_sql,
    ),
    Measure(
        name="worklist",
        title="受持警察官のワークリスト（2,500件の受持区）",
        url=lambda w: reverse("liaison:worklist"),
        baseline=_worklist_sql,
        as_user=_officer,
    ),
]
