"""Issue 12: the 連絡員一覧表, a member's page and the station overview of 地域安全ネットワーク,
over 5,000 members and 100,000 exchanges of thirty stations (bench/generate_network.py),
each next to one SQL statement that fetches every row the page shows, in the same run.

The query count of each page does not grow with the data: tests/network/test_page_queries.py
counts them over a small and a larger generated network.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Beat, BeatAssignment, Department, Post, User
from accounts.utils import dates
from accounts.utils.names import fold_name
from network.exchanges.models import Exchange
from network.meetings.models import SafetyMeeting
from network.members.models import (
    CommunityGroup,
    GroupMembership,
    LiaisonMember,
    MemberPost,
    MemberStep,
)
from network.members.selectors import CONTACT_DAYS
from network.overview.selectors import MONTHS, OFFICER_MONTHS
from network.requests.models import DepartmentRequest

from ..generate import World
from ..generate_network import network_ensure
from ..harness import Measure

SEARCH = "高橋"
PER_PAGE = 50

T = {
    "member": LiaisonMember._meta.db_table,
    "member_beats": LiaisonMember.beats.through._meta.db_table,
    "membership": GroupMembership._meta.db_table,
    "group": CommunityGroup._meta.db_table,
    "post": MemberPost._meta.db_table,
    "step": MemberStep._meta.db_table,
    "exchange": Exchange._meta.db_table,
    "meeting": SafetyMeeting._meta.db_table,
    "attendee": SafetyMeeting.members.through._meta.db_table,
    "request": DepartmentRequest._meta.db_table,
    "beat": Beat._meta.db_table,
    "station_post": Post._meta.db_table,
    "department": Department._meta.db_table,
    "user": User._meta.db_table,
    "assignment": BeatAssignment._meta.db_table,
}


def prepare(world: World, options) -> None:
    world.extra["liaison_member"] = network_ensure(world, fresh=options.fresh)


# --- 連絡員一覧表 ----------------------------------------------------------------------------


def _roster_sql(world: World, search: str = "") -> tuple[str, dict[str, Any]]:
    """Page 1 of the station's members (連絡員, in フリガナ order) with their groups and posts
    there, concurrent posts and beats, the count; on the first row the form's choices (beats,
    groups, 市町) and the table of members found per department."""
    name = "AND m.search_key LIKE %(q)s" if search else ""
    sql = f"""
        WITH page AS (
            SELECT m.id, m.name, m.name_kana, m.status, m.municipality, m.phone,
                count(*) OVER () AS total,
                row_number() OVER (ORDER BY m.name_kana, m.id) AS n
            FROM {T["member"]} m
            WHERE m.station_id = %(station)s AND m.status = 'active' {name}
            ORDER BY m.name_kana, m.id LIMIT {PER_PAGE}
        ), choices AS (
            SELECT
                (SELECT json_agg(json_build_array(b.id, p.name, b.name) ORDER BY p.name, b.name)
                 FROM {T["beat"]} b JOIN {T["station_post"]} p ON p.id = b.post_id
                 WHERE p.station_id = %(station)s) AS beats,
                (SELECT json_agg(json_build_array(g.id, g.name) ORDER BY g.name)
                 FROM {T["group"]} g WHERE g.station_id = %(station)s) AS groups,
                (SELECT json_agg(DISTINCT m.municipality) FROM {T["member"]} m
                 WHERE m.station_id = %(station)s AND m.municipality <> '') AS municipalities,
                (SELECT json_agg(f) FROM (
                    SELECT d.name, count(*) AS reported,
                        count(*) FILTER (WHERE m.status IN ('candidate', 'asked')) AS waiting,
                        count(*) FILTER (WHERE m.status = 'active') AS active
                    FROM {T["member"]} m
                    LEFT JOIN {T["department"]} d ON d.id = m.found_department_id
                    WHERE m.station_id = %(station)s GROUP BY d.name ORDER BY d.name) f
                ) AS found
        )
        SELECT page.*,
            (SELECT json_agg(json_build_array(g.name, gm.post) ORDER BY g.name)
             FROM {T["membership"]} gm JOIN {T["group"]} g ON g.id = gm.group_id
             WHERE gm.member_id = page.id) AS groups,
            (SELECT json_agg(mp.kind ORDER BY mp.kind) FROM {T["post"]} mp
             WHERE mp.member_id = page.id) AS posts,
            (SELECT json_agg(b.name ORDER BY b.name)
             FROM {T["member_beats"]} mb JOIN {T["beat"]} b ON b.id = mb.beat_id
             WHERE mb.liaisonmember_id = page.id) AS beats,
            choices.*
        FROM page LEFT JOIN choices ON page.n = 1
        ORDER BY page.n"""
    return sql, {"station": world.station.pk, "q": f"%{fold_name(search)}%"}


def _roster_search_sql(world: World) -> tuple[str, dict[str, Any]]:
    return _roster_sql(world, SEARCH)


# --- A member's page -------------------------------------------------------------------------


def _member(world: World) -> LiaisonMember:
    return world.extra["liaison_member"]


def _member_sql(world: World) -> tuple[str, dict[str, Any]]:
    """The member with his station, departments and finder; his groups, posts, beats and
    steps; and the three counts of the last 12 months (exchanges, meetings, asks)."""
    sql = f"""
        SELECT m.*, s.name AS station_name, d.name AS department_name,
            fb.full_name AS found_by_name, fd.name AS found_department_name,
            (SELECT json_agg(json_build_array(g.name, gm.post) ORDER BY g.name)
             FROM {T["membership"]} gm JOIN {T["group"]} g ON g.id = gm.group_id
             WHERE gm.member_id = m.id) AS groups,
            (SELECT json_agg(mp.kind ORDER BY mp.kind) FROM {T["post"]} mp
             WHERE mp.member_id = m.id) AS posts,
            (SELECT json_agg(json_build_array(p.name, b.name) ORDER BY p.name, b.name)
             FROM {T["member_beats"]} mb JOIN {T["beat"]} b ON b.id = mb.beat_id
             JOIN {T["station_post"]} p ON p.id = b.post_id
             WHERE mb.liaisonmember_id = m.id) AS beats,
            (SELECT json_agg(json_build_array(st."on", st.kind, u.full_name, sd.name, st.reason)
                             ORDER BY st."on", st.id)
             FROM {T["step"]} st LEFT JOIN {T["user"]} u ON u.id = st.by_id
             LEFT JOIN {T["department"]} sd ON sd.id = st.department_id
             WHERE st.member_id = m.id) AS steps,
            (SELECT count(*) FROM {T["exchange"]} e
             WHERE e.member_id = m.id AND e.held_on >= %(since)s) AS exchanges,
            (SELECT count(*) FROM {T["attendee"]} a JOIN {T["meeting"]} mt
                ON mt.id = a.safetymeeting_id
             WHERE a.liaisonmember_id = m.id AND mt.held_on >= %(since)s) AS meetings,
            (SELECT count(*) FROM {T["step"]} st
             WHERE st.member_id = m.id AND st.kind = 'asked' AND st."on" >= %(since)s) AS asks
        FROM {T["member"]} m
        JOIN accounts_station s ON s.id = m.station_id
        LEFT JOIN {T["department"]} d ON d.id = m.department_id
        JOIN {T["user"]} fb ON fb.id = m.found_by_id
        LEFT JOIN {T["department"]} fd ON fd.id = m.found_department_id
        WHERE m.id = %(pk)s"""
    since = timezone.localdate() - dt.timedelta(days=CONTACT_DAYS)
    return sql, {"pk": _member(world).pk, "since": since}


# --- The station overview --------------------------------------------------------------------


def _overview_sql(world: World) -> tuple[str, dict[str, Any]]:
    """Every figure of the station page, each a JSON column of one row: members by state,
    beat, 市町, group and post; exchanges by month and department; minutes per beat officer
    and month; open and overdue requests per department; meetings; the members contacted
    more than the limit in a month, named."""
    sql = f"""
        WITH active AS (
            SELECT id, municipality FROM {T["member"]}
            WHERE station_id = %(s)s AND status = 'active'
        ), ex AS (
            SELECT * FROM {T["exchange"]}
            WHERE station_id = %(s)s AND held_on >= %(since)s AND held_on <= %(today)s
        ), contacts AS (
            SELECT member_id, date_trunc('month', held_on) AS month FROM ex
            UNION ALL
            SELECT a.liaisonmember_id, date_trunc('month', mt.held_on)
            FROM {T["attendee"]} a JOIN {T["meeting"]} mt ON mt.id = a.safetymeeting_id
            WHERE mt.station_id = %(s)s AND mt.held_on >= %(since)s AND mt.held_on <= %(today)s
            UNION ALL
            SELECT st.member_id, date_trunc('month', st."on")
            FROM {T["step"]} st JOIN {T["member"]} m ON m.id = st.member_id
            WHERE m.station_id = %(s)s AND st.kind = 'asked'
              AND st."on" >= %(since)s AND st."on" <= %(today)s
        ), officers AS (
            SELECT DISTINCT a.officer_id FROM {T["assignment"]} a
            JOIN {T["beat"]} b ON b.id = a.beat_id JOIN {T["station_post"]} p ON p.id = b.post_id
            WHERE p.station_id = %(s)s AND a.granted_at IS NOT NULL AND a.revoked_at IS NULL
        )
        SELECT
            (SELECT json_object_agg(status, n) FROM (
                SELECT status, count(*) AS n FROM {T["member"]}
                WHERE station_id = %(s)s GROUP BY status) x) AS states,
            (SELECT json_agg(json_build_array(p.name, b.name, coalesce(c.n, 0))
                             ORDER BY p.name, b.name)
             FROM {T["beat"]} b JOIN {T["station_post"]} p ON p.id = b.post_id
             LEFT JOIN (SELECT mb.beat_id, count(*) AS n FROM {T["member_beats"]} mb
                        JOIN active ON active.id = mb.liaisonmember_id GROUP BY mb.beat_id) c
                ON c.beat_id = b.id
             WHERE p.station_id = %(s)s) AS beats,
            (SELECT json_agg(x ORDER BY x.n DESC, x.municipality) FROM (
                SELECT municipality, count(*) AS n FROM active GROUP BY municipality) x
            ) AS municipalities,
            (SELECT json_agg(x ORDER BY x.n DESC, x.name) FROM (
                SELECT g.name, g.kind, count(DISTINCT gm.member_id) AS n
                FROM {T["membership"]} gm JOIN active ON active.id = gm.member_id
                JOIN {T["group"]} g ON g.id = gm.group_id GROUP BY g.name, g.kind) x
            ) AS groups,
            (SELECT json_agg(x ORDER BY x.kind) FROM (
                SELECT mp.kind, count(*) AS n FROM {T["post"]} mp
                JOIN active ON active.id = mp.member_id GROUP BY mp.kind) x) AS posts,
            (SELECT json_agg(x ORDER BY x.month) FROM (
                SELECT date_trunc('month', held_on) AS month, count(*) AS n, sum(minutes) AS m
                FROM ex GROUP BY 1) x) AS by_month,
            (SELECT json_agg(x ORDER BY x.n DESC, x.name) FROM (
                SELECT d.name, count(*) AS n, sum(ex.minutes) AS m FROM ex
                JOIN {T["department"]} d ON d.id = ex.department_id GROUP BY d.name) x
            ) AS by_department,
            (SELECT json_agg(x ORDER BY x.employee_number, x.month) FROM (
                SELECT u.employee_number, u.full_name, date_trunc('month', ex.held_on) AS month,
                    sum(ex.minutes) AS m
                FROM officers o JOIN {T["user"]} u ON u.id = o.officer_id
                LEFT JOIN ex ON ex.staff_id = o.officer_id AND ex.held_on >= %(officer_since)s
                GROUP BY 1, 2, 3) x) AS officer_time,
            (SELECT json_agg(x ORDER BY x.overdue DESC, x.open DESC, x.name) FROM (
                SELECT d.name, count(*) AS open,
                    count(*) FILTER (WHERE r.due_on < %(today)s) AS overdue
                FROM {T["request"]} r JOIN {T["department"]} d ON d.id = r.department_id
                WHERE r.station_id = %(s)s AND r.closed_at IS NULL GROUP BY d.name) x
            ) AS requests,
            (SELECT json_build_array(count(*), count(*) FILTER (WHERE joined_to <> ''))
             FROM {T["meeting"]} WHERE station_id = %(s)s
               AND held_on >= %(since)s AND held_on <= %(today)s) AS meetings,
            (SELECT json_agg(x ORDER BY x.n DESC, x.month, x.member_id) FROM (
                SELECT c.member_id, m.name, c.month, count(*) AS n
                FROM contacts c JOIN {T["member"]} m ON m.id = c.member_id
                GROUP BY c.member_id, m.name, c.month HAVING count(*) > %(limit)s) x
            ) AS burdened"""
    today = timezone.localdate()
    first = dates.month_first(today)
    return sql, {
        "s": world.station.pk,
        "today": today,
        "since": dates.months_add(first, -(MONTHS - 1)),
        "officer_since": dates.months_add(first, -(OFFICER_MONTHS - 1)),
        "limit": settings.NETWORK_CONTACTS_PER_MONTH,
    }


MEASURES = [
    Measure(
        name="network_roster",
        title="連絡員一覧表（連絡員、1ページ目）",
        url=lambda w: reverse("network:member_list"),
        baseline=_roster_sql,
    ),
    Measure(
        name="network_roster_search",
        title=f"連絡員一覧表の氏名検索（「{SEARCH}」）",
        url=lambda w: reverse("network:member_list") + "?" + urlencode({"q": SEARCH}),
        baseline=_roster_search_sql,
    ),
    Measure(
        name="network_member_page",
        title="連絡員のページ（情報交換240件の連絡員）",
        url=lambda w: reverse("network:member_detail", kwargs={"pk": _member(w).pk}),
        baseline=_member_sql,
    ),
    Measure(
        name="network_station_overview",
        title="署の地域安全ネットワークの状況",
        url=lambda w: reverse("network:station_overview", kwargs={"pk": w.station.pk}),
        baseline=_overview_sql,
    ),
]
