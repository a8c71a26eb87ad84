"""Issue 3: the book page, a kana search and the card page, each next to one raw SQL
query fetching the rows the page shows; the station CSV export in constant memory."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.models import Beat, Post
from liaison.cards.models import CardMember, LiaisonCard

from ..generate import World
from ..harness import Measure

PAGE_SIZE = 50  # rows per page of the book and of the search results
DEEP_PAGE = 20
SEARCH = "たかは"  # a common reading (高橋, 高畑 …) typed in hiragana

CARDS = LiaisonCard._meta.db_table
MEMBERS = CardMember._meta.db_table
BEATS = Beat._meta.db_table
POSTS = Post._meta.db_table
# The columns a book or search row shows.
ROW_COLUMNS = """id, kind, status, book_id, parent_id, town, banchi, building, room, head_name,
    head_kana, member_count, care_count, care_elderly_only, care_elderly_alone,
    care_needs_support, care_foreign, care_language, missing, declined_summary, last_visit_on,
    closed_on"""


def _book_url(world: World, page: int | None = None) -> str:
    url = reverse("liaison:book_detail", kwargs={"pk": world.measured_book.pk})
    return f"{url}?order=kana" + (f"&page={page}" if page else "")


def _book_rows(world: World, page: int = 1) -> tuple[str, list[Any]]:
    """The page's 50 filed cards in 50音 order and the book's count, in one statement
    (the count as a scalar subquery, so that the rows still come from the index)."""
    book = world.measured_book.pk
    sql = f"""
        SELECT {ROW_COLUMNS},
            (SELECT count(*) FROM {CARDS} WHERE book_id = %s AND status = 'filed') AS total
        FROM {CARDS}
        WHERE book_id = %s AND status = 'filed'
        ORDER BY head_kana, address_key, id
        LIMIT %s OFFSET %s"""
    return sql, [book, book, PAGE_SIZE, (page - 1) * PAGE_SIZE]


def _search_rows(world: World) -> tuple[str, list[Any]]:
    """The first page of matching filed and closed cards of the station, with their count
    (a window count: the LIKE scan happens once)."""
    sql = f"""
        SELECT {ROW_COLUMNS}, count(*) OVER () AS total
        FROM {CARDS}
        WHERE station_id = %s AND status IN ('filed', 'closed') AND search_names LIKE %s
        ORDER BY head_kana, address_key, id
        LIMIT %s"""
    return sql, [world.station.pk, "%タカハ%", PAGE_SIZE]


def _card_rows(world: World) -> tuple[str, list[Any]]:
    """The card with its members, one row per member."""
    sql = f"""
        SELECT c.*, m.*
        FROM {CARDS} c LEFT JOIN {MEMBERS} m ON m.card_id = c.id
        WHERE c.id = %s
        ORDER BY m.position, m.id"""
    return sql, [world.measured_card.pk]


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
