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
from accounts.models import BeatAssignment, Role, User
from liaison.cards.models import LiaisonCard
from liaison.night.models import NightVisitRequest
from liaison.planning.models import VisitPolicy
from liaison.visits.models import Visit
from liaison.visits.tally import visit_tally_rebuild

from ..generate import PASSWORD, World, _beats_in_order
from ..harness import Measure

VISITS = 500_000
CARDS = LiaisonCard._meta.db_table
VISIT_TABLE = Visit._meta.db_table
NIGHT = NightVisitRequest._meta.db_table
POLICY = {
    "default_cycle_days": 365,
    "elderly_alone_cycle_days": 180,
    "elderly_only_cycle_days": 270,
    "needs_support_cycle_days": 180,
    "foreign_cycle_days": None,
}


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


def _month_start(today: dt.date) -> str:
    return today.replace(day=1).isoformat()


def _progress_sql(world: World) -> tuple[str, list[Any]]:
    """The station page's figures per beat in one statement: cards to visit and visited
    within their cycle (the policy's cycles as constants), this month's visits, night
    visits, visits on dedicated days and the open follow-ups, and the 12-month trend."""
    today = timezone.localdate()
    default = POLICY["default_cycle_days"]
    alone, only, support = (
        POLICY["elderly_alone_cycle_days"],
        POLICY["elderly_only_cycle_days"],
        POLICY["needs_support_cycle_days"],
    )
    sql = f"""
        WITH cards AS (
            SELECT book_id,
                count(*) AS to_visit,
                count(*) FILTER (WHERE last_visit_on > %(today)s::date - {default}
                    AND (NOT care_elderly_alone OR last_visit_on > %(today)s::date - {alone})
                    AND (NOT care_elderly_only OR last_visit_on > %(today)s::date - {only})
                    AND (NOT care_needs_support OR last_visit_on > %(today)s::date - {support})
                ) AS visited
            FROM {CARDS}
            WHERE station_id = %(station)s AND status = 'filed'
              AND kind IN ('household', 'business')
            GROUP BY book_id
        ), visits AS (
            SELECT book_id,
                count(*) FILTER (WHERE started_at >= %(start)s) AS visits,
                count(*) FILTER (WHERE started_at >= %(start)s
                    AND night_request_id IS NOT NULL) AS night,
                count(*) FILTER (WHERE started_at >= %(start)s AND on_dedicated_day) AS dedicated,
                count(*) FILTER (WHERE follow_up_done_at IS NULL
                    AND follow_up_department <> '') AS open
            FROM {VISIT_TABLE}
            WHERE station_id = %(station)s
              AND (started_at >= %(start)s
                   OR (follow_up_done_at IS NULL AND follow_up_department <> ''))
            GROUP BY book_id
        ), trend AS (
            SELECT json_agg(m ORDER BY m.month) AS months FROM (
                SELECT date_trunc('month', started_at AT TIME ZONE 'Asia/Tokyo') AS month,
                    count(*) AS visits, count(night_request_id) AS night
                FROM {VISIT_TABLE}
                WHERE station_id = %(station)s AND started_at >= %(year_ago)s
                GROUP BY 1
            ) m
        )
        SELECT c.*, v.visits, v.night, v.dedicated, v.open, (SELECT months FROM trend)
        FROM cards c LEFT JOIN visits v USING (book_id)"""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(today.replace(day=1), dt.time.min, tzinfo=tz)
    first = today.replace(day=1)
    year_ago = dt.datetime.combine(
        (first - dt.timedelta(days=334)).replace(day=1), dt.time.min, tzinfo=tz
    )
    return sql, {"today": today, "station": world.station.pk, "start": start, "year_ago": year_ago}


def _worklist_sql(world: World) -> tuple[str, list[Any]]:
    """The officer's due cards of his beat (not visited within their cycle, not tried
    today), with what a worklist row shows."""
    today = timezone.localdate()
    default = POLICY["default_cycle_days"]
    alone, only, support = (
        POLICY["elderly_alone_cycle_days"],
        POLICY["elderly_only_cycle_days"],
        POLICY["needs_support_cycle_days"],
    )
    sql = f"""
        SELECT id, kind, head_name, head_kana, town, banchi, building, room, phone,
            care_count, last_visit_on, last_attempt_on, address_key
        FROM {CARDS}
        WHERE book_id = %(book)s AND status = 'filed' AND kind IN ('household', 'business')
          AND (last_attempt_on IS NULL OR last_attempt_on <> %(today)s::date)
          AND NOT coalesce(last_visit_on > %(today)s::date - {default}
                AND (NOT care_elderly_alone OR last_visit_on > %(today)s::date - {alone})
                AND (NOT care_elderly_only OR last_visit_on > %(today)s::date - {only})
                AND (NOT care_needs_support OR last_visit_on > %(today)s::date - {support}),
              false)"""
    return sql, {"book": world.measured_book.pk, "today": today}


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
