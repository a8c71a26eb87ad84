"""Issue 3: the book page, a kana search and the card page, each next to one raw SQL
query fetching the rows the page shows; the station CSV export in constant memory."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent, Beat, Post, Station, User
from liaison.cards.models import CardMember, CardVehicle, LiaisonCard
from liaison.cards.views import ACCESS_HISTORY_ON_CARD, VISITS_ON_CARD
from liaison.glass.models import BreakGlassAccess
from liaison.visits.models import Visit

from ..generate import World
from ..harness import Measure
from . import due

PAGE_SIZE = 50  # rows per page of the book and of the search results
DEEP_PAGE = 20
SEARCH = "たかは"  # a common reading (高橋, 高畑 …) typed in hiragana

CARDS = LiaisonCard._meta.db_table
MEMBERS = CardMember._meta.db_table
BEATS = Beat._meta.db_table
POSTS = Post._meta.db_table
STATIONS = Station._meta.db_table
USERS = User._meta.db_table
VEHICLES = CardVehicle._meta.db_table
VISITS = Visit._meta.db_table
EVENTS = AccessEvent._meta.db_table
GLASS = BreakGlassAccess._meta.db_table
CARD_HISTORY = LiaisonCard.history.model._meta.db_table
MEMBER_HISTORY = CardMember.history.model._meta.db_table
VEHICLE_HISTORY = CardVehicle.history.model._meta.db_table
# The columns a book or search row shows.
ROW_COLUMNS = """id, kind, status, book_id, parent_id, town, banchi, building, room, head_name,
    head_kana, member_count, care_count, care_elderly_only, care_elderly_alone,
    care_needs_support, care_foreign, care_language, missing, declined_summary, last_visit_on,
    closed_on"""


def _book_url(world: World, page: int | None = None) -> str:
    url = reverse("liaison:book_detail", kwargs={"pk": world.measured_book.pk})
    return f"{url}?order=kana" + (f"&page={page}" if page else "")


def _book_rows(world: World, page: int = 1) -> tuple[str, list[Any]]:
    """What the book page shows, in one statement: its header (beat, post, station), its
    受持区要覧 (the counts by kind, population, care points, never visited, closed and the
    要訪問・期限超過 of the policy, one aggregate over the book) and the page's 50 filed
    cards in 50音 order (from the index), each row carrying the header and the 要覧."""
    book = world.measured_book.pk
    sql = f"""
        WITH head AS (
            SELECT b.id AS beat_id, b.name AS beat_name, p.name AS post_name,
                s.name AS station_name
            FROM {BEATS} b JOIN {POSTS} p ON p.id = b.post_id
            JOIN {STATIONS} s ON s.id = p.station_id
            WHERE b.id = %(book)s
        ), summary AS (
            SELECT count(*) FILTER (WHERE status = 'filed') AS filed,
                count(*) FILTER (WHERE status = 'filed' AND kind = 'household') AS households,
                count(*) FILTER (WHERE status = 'filed' AND kind = 'apartment') AS apartments,
                count(*) FILTER (WHERE status = 'filed' AND kind = 'business') AS businesses,
                coalesce(sum(member_count) FILTER (WHERE status = 'filed'), 0) AS population,
                count(*) FILTER (WHERE status = 'filed' AND care_elderly_only) AS elderly_only,
                count(*) FILTER (WHERE status = 'filed' AND care_elderly_alone) AS elderly_alone,
                count(*) FILTER (WHERE status = 'filed' AND care_needs_support) AS needs_support,
                count(*) FILTER (WHERE status = 'filed' AND care_foreign) AS foreign_,
                count(*) FILTER (WHERE status = 'filed' AND last_visit_on IS NULL)
                    AS never_visited,
                count(*) FILTER (WHERE status = 'closed') AS closed,
                {due.figures("%(today)s::date")}
            FROM {CARDS}
            WHERE book_id = %(book)s
        ), rows AS (
            SELECT {ROW_COLUMNS}, address_key
            FROM {CARDS}
            WHERE book_id = %(book)s AND status = 'filed'
            ORDER BY head_kana, address_key, id
            LIMIT %(limit)s OFFSET %(offset)s
        )
        SELECT rows.*, head.*, summary.*
        FROM rows CROSS JOIN head CROSS JOIN summary
        ORDER BY rows.head_kana, rows.address_key, rows.id"""
    return sql, {
        "book": book,
        "today": timezone.localdate(),
        "limit": PAGE_SIZE,
        "offset": (page - 1) * PAGE_SIZE,
    }


def _search_rows(world: World) -> tuple[str, list[Any]]:
    """The first page of matching filed and closed cards of the station, with their count
    (a window count: the LIKE scan happens once) and each row's book (post and beat
    names), as the result list shows them."""
    sql = f"""
        WITH found AS (
            SELECT {ROW_COLUMNS}, address_key, count(*) OVER () AS total
            FROM {CARDS}
            WHERE station_id = %s AND status IN ('filed', 'closed') AND search_names LIKE %s
            ORDER BY head_kana, address_key, id
            LIMIT %s
        )
        SELECT f.*, b.name AS beat_name, p.name AS post_name
        FROM found f
        LEFT JOIN {BEATS} b ON b.id = f.book_id
        LEFT JOIN {POSTS} p ON p.id = b.post_id
        ORDER BY f.head_kana, f.address_key, f.id"""
    return sql, [world.station.pk, "%タカハ%", PAGE_SIZE]


def _history_json(table: str, where: str) -> str:
    """Every history record of the card (or of its members or vehicles) with who made it:
    the page diffs consecutive records, so it reads them all to show its 20 entries."""
    return f"""(SELECT json_agg(h ORDER BY h.history_date, h.history_id) FROM (
                SELECT r.*, u.full_name AS history_user_name
                FROM {table} r LEFT JOIN {USERS} u ON u.id = r.history_user_id
                WHERE r.{where} = card.id) h)"""


def _card_rows(world: World) -> tuple[str, list[Any]]:
    """Everything the card page shows the 地域課長, one row: the card with its book, post,
    station, maker and building; its members and vehicles; every history record of the
    card, its members and its vehicles (the 変更履歴 panel's 20 entries are diffs of
    them); the 10 latest visits with the officers' names; and the 閲覧・印刷・出力の記録
    panel: the 20 latest views, prints and exports of the card and exports of its book and
    station (three index ranges merged, one more row for the next page), with user,
    station and the break-the-glass grant behind a flagged read.

    A container's exports are found by walking its (object_type, object_id, occurred_at)
    index newest first and keeping the exports (`action || ''` keeps the planner off the
    action index: misjudging a book's 8,000 exports among its 236,000 events as 175, it
    would AND two bitmaps of the whole book and all exports, 0.5 s, the very cost the
    page's panel had)."""
    card = world.measured_card
    sql = f"""
        WITH card AS (
            SELECT c.*, b.name AS beat_name, p.name AS post_name, s.name AS station_name,
                u.full_name AS created_by_name, parent.head_name AS parent_head_name
            FROM {CARDS} c
            JOIN {STATIONS} s ON s.id = c.station_id
            LEFT JOIN {BEATS} b ON b.id = c.book_id
            LEFT JOIN {POSTS} p ON p.id = b.post_id
            LEFT JOIN {USERS} u ON u.id = c.created_by_id
            LEFT JOIN {CARDS} parent ON parent.id = c.parent_id
            WHERE c.id = %(card)s
        ), panel AS (
            SELECT e.* FROM (
                (SELECT * FROM {EVENTS}
                 WHERE object_type = 'liaison.liaisoncard' AND object_id = %(card_id)s
                   AND action IN ('view', 'print', 'export')
                 ORDER BY occurred_at DESC, id DESC LIMIT %(panel)s)
                UNION ALL
                (SELECT * FROM {EVENTS}
                 WHERE object_type = 'liaison.liaisonbook' AND object_id = %(book_id)s
                   AND action || '' = 'export'
                 ORDER BY occurred_at DESC, id DESC LIMIT %(panel)s)
                UNION ALL
                (SELECT * FROM {EVENTS}
                 WHERE object_type = 'accounts.station' AND object_id = %(station_id)s
                   AND action || '' = 'export'
                 ORDER BY occurred_at DESC, id DESC LIMIT %(panel)s)
            ) e
            ORDER BY e.occurred_at DESC, e.id DESC
            LIMIT %(panel)s
        )
        SELECT card.*,
            (SELECT json_agg(m ORDER BY m.position, m.id) FROM {MEMBERS} m
             WHERE m.card_id = card.id) AS members,
            (SELECT json_agg(v ORDER BY v.id) FROM {VEHICLES} v
             WHERE v.card_id = card.id) AS vehicles,
            {_history_json(CARD_HISTORY, "id")} AS card_history,
            {_history_json(MEMBER_HISTORY, "card_id")} AS member_history,
            {_history_json(VEHICLE_HISTORY, "card_id")} AS vehicle_history,
            (SELECT json_agg(v ORDER BY v.started_at DESC, v.id DESC) FROM (
                SELECT v.*, o.full_name AS officer_name, d.full_name AS done_by_name
                FROM {VISITS} v
                JOIN {USERS} o ON o.id = v.officer_id
                LEFT JOIN {USERS} d ON d.id = v.follow_up_done_by_id
                WHERE v.card_id = card.id
                ORDER BY v.started_at DESC, v.id DESC
                LIMIT %(visits)s) v) AS visits,
            (SELECT json_agg(a ORDER BY a.occurred_at DESC, a.id DESC) FROM (
                SELECT e.*, u.full_name AS user_name, u.employee_number,
                    s.name AS event_station_name, g.purpose, g.reason
                FROM panel e
                LEFT JOIN {USERS} u ON u.id = e.user_id
                LEFT JOIN {STATIONS} s ON s.id = e.station_id
                LEFT JOIN LATERAL (
                    SELECT g.purpose, g.reason FROM {GLASS} g
                    WHERE e.break_glass AND g.card_id = card.id AND g.user_id = e.user_id
                      AND g.granted_at <= e.occurred_at + interval '1 minute'
                      AND g.expires_at >= e.occurred_at - interval '1 minute'
                    ORDER BY g.granted_at DESC LIMIT 1
                ) g ON true) a) AS access_history
        FROM card"""
    return sql, {
        "card": card.pk,
        "card_id": str(card.pk),
        "book_id": str(card.book_id),
        "station_id": str(card.station_id),
        "panel": ACCESS_HISTORY_ON_CARD + 1,
        "visits": VISITS_ON_CARD,
    }


def _export_rows(where: str, value: int) -> tuple[str, list[Any]]:
    """Every filed and closed card of the station or book in book and address order, with
    its beat and post and its members' names and 続柄 aggregated: what a CSV row carries."""
    sql = f"""
        SELECT c.*, b.name AS beat_name, p.name AS post_name,
            (SELECT string_agg(m.name || '（' || m.relationship || '）', '、' ORDER BY m.position)
             FROM {MEMBERS} m WHERE m.card_id = c.id) AS member_names
        FROM {CARDS} c
        JOIN {BEATS} b ON b.id = c.book_id
        JOIN {POSTS} p ON p.id = b.post_id
        WHERE c.{where} = %s AND c.status IN ('filed', 'closed')
        ORDER BY c.book_id, c.address_key, c.id"""
    return sql, [value]


MEASURES = [
    Measure(
        name="book_page",
        title="巡回連絡簿（50音順、1ページ目）",
        url=_book_url,
        baseline=_book_rows,
    ),
    Measure(
        name="book_page_deep",
        title=f"巡回連絡簿（50音順、{DEEP_PAGE}ページ目）",
        url=lambda w: _book_url(w, DEEP_PAGE),
        baseline=lambda w: _book_rows(w, DEEP_PAGE),
    ),
    Measure(
        name="kana_search",
        title=f"カード検索「{SEARCH}」（署全体）",
        url=lambda w: f"{reverse('liaison:card_search')}?q={SEARCH}",
        baseline=_search_rows,
    ),
    Measure(
        name="card_page",
        title="カード（世帯員6人・車両・履歴約20件）",
        url=lambda w: reverse("liaison:card_detail", kwargs={"pk": w.measured_card.pk}),
        baseline=_card_rows,
    ),
    Measure(
        name="export_csv",
        title="署のCSV出力（全カード）",
        url=lambda w: reverse("liaison:station_export", kwargs={"pk": w.station.pk, "fmt": "csv"}),
        baseline=lambda w: _export_rows("station_id", w.station.pk),
        repeat=3,
        memory=True,
    ),
    Measure(
        name="export_csv_book",
        title="受持区のCSV出力（全カードの1割）",
        url=lambda w: reverse("liaison:book_export", kwargs={"pk": w.large_book.pk, "fmt": "csv"}),
        baseline=lambda w: _export_rows("book_id", w.large_book.pk),
        repeat=3,
        memory=True,
    ),
]
