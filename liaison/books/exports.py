"""The book as CSV and Excel (要領 第6: 取扱責任者 and above), written row by row so that a
station of 50,000 cards is exported in constant memory.

Cards are read as plain rows (values_list, no model instances) through one server-side
cursor in chunks of CHUNK_SIZE, each with its members' names already joined by the database
(a subquery per card, as the raw SQL of the bench does): one query whatever the number of
cards. The labels (種別, 状態, 要配意事項, 受持区) are looked up once, not worked out per card. The files themselves are
written by accounts.utils.exports (CSV streamed, Excel from a write-only workbook).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat

from liaison import text
from liaison.cards.models import CardKind, CardMember, CardStatus, LiaisonCard, Relationship

# Cards per round trip of the server-side cursor (what memory holds at a time). Tests make
# it small.
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


# What a row is made of, in this order (card_rows unpacks it).
_ROW_FIELDS = (
    "kind",
    "status",
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
    "last_visit_on",
    "closed_on",
    "book__beat__name",
    "book__beat__post__name",
    # then missing and declined_summary, as text (card_rows)
)

_KINDS = {value: str(label) for value, label in CardKind.choices}
_STATUSES = {value: str(label) for value, label in CardStatus.choices}
_RELATIONS = {value: str(label) for value, label in Relationship.choices}


def _care_labels() -> tuple[str, str, str]:
    # LiaisonCard.care_points, whose labels are the fields' names.
    field = LiaisonCard._meta.get_field
    return tuple(  # type: ignore[return-value]
        str(field(name).verbose_name)
        for name in ("care_elderly_only", "care_elderly_alone", "care_needs_support")
    )


def _care(only: bool, alone: bool, support: bool, foreign: bool, language: str) -> str:
    """「、」.join(card.care_points) from the card's flags."""
    labels = [
        label for flag, label in zip((only, alone, support), _care_labels(), strict=True) if flag
    ]
    if foreign:
        labels.append(f"外国人世帯{f'（{language}）' if language else ''}")
    return "、".join(labels)


class _GroupConcat(Aggregate):
    function = "GROUP_CONCAT"
    output_field = TextField()


def _names_agg(entry: Case) -> Aggregate:
    if connection.vendor == "postgresql":
        return StringAgg(entry, delimiter="、", order_by=("position", "pk"))
    # SQLite (make run) orders no aggregate before 3.44: the members come in the order they
    # were written, which the services keep as the card's order.
    return _GroupConcat(entry, Value("、"))


def _member_names() -> Subquery:
    """The card's members as 「氏名（続柄）、…」 in the card's order, aggregated by the database
    in the cards' own query: no query per chunk, and nothing to match up in Python."""
    relation = Case(
        *(When(relationship=value, then=Value(label)) for value, label in _RELATIONS.items()),
        default=F("relationship"),
    )
    entry = Case(
        When(relationship="", then=F("name")),
        default=Concat("name", Value("（"), relation, Value("）")),
        output_field=TextField(),
    )
    names = (
        CardMember.objects.filter(card_id=OuterRef("pk"))
        .order_by()
        .values("card_id")
        .annotate(names=_names_agg(entry))
        .values("names")
    )
    return Subquery(names, output_field=TextField())


def card_rows(cards: QuerySet[LiaisonCard]) -> Iterator[list[Any]]:
    """One list of values per card, in COLUMNS order; dates stay dates, counts numbers.
    The cards' order is the queryset's."""
    # The two JSON lists come as their text: few distinct values, each decoded once.
    rows = cards.values_list(
        *_ROW_FIELDS,
        Cast("missing", TextField()),
        Cast("declined_summary", TextField()),
        _member_names(),
    ).iterator(chunk_size=CHUNK_SIZE)
    # Few distinct values among 50,000 cards: each is worked out once.
    beats: dict[tuple[str, str], str] = {}
    cares: dict[tuple[bool, bool, bool, bool, str], str] = {}
    lists: dict[str, str] = {}
    for (
        kind,
        status,
        postal_code,
        prefecture,
        city,
        town,
        banchi,
        building,
        room,
        phone,
        head_name,
        head_kana,
        member_count,
        only,
        alone,
        support,
        foreign,
        language,
        last_visit_on,
        closed_on,
        beat,
        post,
        missing,
        declined,
        members,
    ) in rows:
        beat_label = beats.get((post, beat))
        if beat_label is None:
            beat_label = beats[(post, beat)] = f"{post} {beat}"
        care_key = (only, alone, support, foreign, language)
        care_label = cares.get(care_key)
        if care_label is None:
            care_label = cares[care_key] = _care(*care_key)
        yield [
            beat_label,
            _KINDS.get(kind, kind),
            _STATUSES.get(status, status),
            text.postal_display(postal_code, mark=False),
            f"{prefecture}{city}{town}{banchi}",
            building,
            room,
            head_name,
            head_kana,
            phone,
            member_count,
            members or "",
            care_label,
            _joined(lists, missing),
            _joined(lists, declined),
            last_visit_on,
            closed_on,
        ]


def _joined(seen: dict[str, str], json_list: str) -> str:
    """「、」.join of a JSON list of labels, given as its text."""
    joined = seen.get(json_list)
    if joined is None:
        joined = seen[json_list] = "、".join(json.loads(json_list))
    return joined
