"""The book as CSV and Excel (要領 第6: 取扱責任者 and above), written row by row so that a
station of 50,000 cards is exported in constant memory.

Cards are read with a server-side cursor in chunks of CHUNK_SIZE, and each chunk's members
in one more query (QuerySet.iterator with prefetch_related). The files themselves are written
by accounts.utils.exports (CSV streamed, Excel from a write-only workbook).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet

from liaison import text
from liaison.cards.models import CardMember, LiaisonCard

# Cards per database round trip (and per members query). Tests make it small.
CHUNK_SIZE = 2000


COLUMNS = (
    "受持区",
    "種別",
    "状態",
    "郵便番号",
    "住所",
    "建物",
    "部屋",
    "世帯主・事業所名",
    "フリガナ",
    "電話番号",
    "人数",
    "世帯員",
    "要配意事項",
    "未記入",
    "回答拒否",
    "最終巡回連絡日",
    "廃止日",
)


_CARD_FIELDS = (
    "pk",
    "kind",
    "status",
    "book_id",
    "postal_code",
    "prefecture",
    "city",
    "town",
    "banchi",
    "building",
    "room",
    "phone",
    "head_name",
    "head_kana",
    "member_count",
    "care_elderly_only",
    "care_elderly_alone",
    "care_needs_support",
    "care_foreign",
    "care_language",
    "missing",
    "declined_summary",
    "last_visit_on",
    "closed_on",
    "book__beat__name",
    "book__beat__post__name",
)


def export_queryset(cards: QuerySet[LiaisonCard]) -> QuerySet[LiaisonCard]:
    """Only the columns the export writes, and the members' names and 続柄."""
    members = CardMember.objects.only("pk", "card_id", "position", "name", "relationship")
    return (
        cards.select_related("book__beat__post")
        .only(*_CARD_FIELDS)
        .prefetch_related(Prefetch("members", queryset=members))
    )


def _members(card: LiaisonCard) -> str:
    names = []
    for member in card.members.all():
        relation = member.get_relationship_display()
        names.append(f"{member.name}（{relation}）" if relation else member.name)
    return "、".join(names)


def card_rows(cards: QuerySet[LiaisonCard]) -> Iterator[list[Any]]:
    """One list of values per card, in COLUMNS order; dates stay dates, counts numbers."""
    for card in export_queryset(cards).iterator(chunk_size=CHUNK_SIZE):
        beat = card.book.beat
        yield [
            f"{beat.post.name} {beat.name}",
            card.get_kind_display(),
            card.get_status_display(),
            text.postal_display(card.postal_code, mark=False),
            f"{card.prefecture}{card.city}{card.town}{card.banchi}",
            card.building,
            card.room,
            card.head_name,
            card.head_kana,
            card.phone,
            card.member_count,
            _members(card),
            "、".join(card.care_points),
            "、".join(card.missing),
            "、".join(card.declined_summary),
            card.last_visit_on,
            card.closed_on,
        ]
