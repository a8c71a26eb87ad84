"""巡回連絡カード on paper: the blank card handed to residents (手交) and a filled card.

The system is where cards live; a print is the exception (paper cards have been lost on
patrol), so a filled card carries on every page who printed it and when. Pages are A4 and
written horizontally (WeasyPrint has no vertical writing). WeasyPrint reads the stylesheet
from the filesystem and fetches nothing else: a card's text can never make it load a URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

from accounts.utils import dates
from liaison import text
from liaison.cards.contents import items_for
from liaison.cards.models import (
    CARD_OPTIONAL_FIELDS,
    MEMBER_OPTIONAL_FIELDS,
    CardKind,
    CardMember,
    CardStatus,
    CardVehicle,
    LiaisonCard,
    Relationship,
    ResidenceType,
)

STYLESHEET = "css/liaison-print.css"


DECLINED = "回答拒否"


EMPTY = "（未記入）"


# Blank rows on the handed-out card: enough for most households, more on the back.
BLANK_MEMBER_ROWS = 6


BLANK_VEHICLE_ROWS = 3


BLANK_KINDS = {CardKind.HOUSEHOLD: "世帯用", CardKind.BUSINESS: "事業所・官公署用"}


@dataclass(frozen=True)
class Item:
    """One labelled value of a filled card: a value, 回答拒否, or nothing written."""

    label: str
    value: str = ""
    declined: bool = False

    @property
    def text(self) -> str:
        if self.declined:
            return DECLINED
        return self.value or EMPTY


def _label(name: str) -> str:
    return str(LiaisonCard._meta.get_field(name).verbose_name)


def _card_item(card: LiaisonCard, name: str, value: Any = None, label: str | None = None) -> Item:
    """An item of the card; optional ones the resident declined read 回答拒否."""
    if value is None:
        value = getattr(card, name)
    return Item(
        label=label or _label(name),
        value="" if value in (None, "") else str(value),
        declined=name in CARD_OPTIONAL_FIELDS and name in card.declined,
    )


def card_sections(card: LiaisonCard) -> dict[str, list[Item]]:
    """The card's items by section, in the order of the paper card. Only the optional items
    this kind of card asks for are shown."""
    asked = set(items_for(card.kind))
    place = [
        Item("郵便番号", text.postal_display(card.postal_code)),
        Item("住所", "".join(p for p in (card.prefecture, card.city, card.town, card.banchi) if p)),
        Item("建物名・部屋番号", " ".join(p for p in (card.building, card.room) if p)),
    ]
    if "phone" in asked:
        place.append(_card_item(card, "phone"))
    if "residence_type" in asked:
        place.append(_card_item(card, "residence_type", card.get_residence_type_display()))
    if "moved_in_on" in asked:
        place.append(_card_item(card, "moved_in_on", dates.wareki(card.moved_in_on)))

    business: list[Item] = []
    if card.kind == CardKind.BUSINESS:
        staff = f"{card.business_staff}人" if card.business_staff is not None else ""
        business = [
            _card_item(card, "business_name"),
            _card_item(card, "business_name_kana", label="フリガナ"),
            _card_item(card, "business_representative"),
            _card_item(card, "business_trade"),
            _card_item(card, "business_staff", staff),
            _card_item(card, "business_hours"),
            _card_item(card, "business_holidays"),
        ]

    emergency: list[Item] = []
    if "emergency_name" in asked:
        declined = "emergency_name" in card.declined
        emergency = [
            Item("氏名", card.emergency_name, declined),
            Item("続柄・関係", card.emergency_relation, declined),
            Item("電話番号", card.emergency_phone, declined),
        ]
    return {"place": place, "business": business, "emergency": emergency}


@dataclass(frozen=True)
class MemberRow:
    position: int
    name: str
    cells: list[Item]


def member_rows(members: list[CardMember]) -> list[MemberRow]:
    rows = []
    for index, member in enumerate(members, start=1):
        values = {
            "kana": member.kana,
            "relationship": member.get_relationship_display(),
            "birth_date": dates.wareki(member.birth_date),
            "occupation": member.occupation,
            "workplace": member.workplace,
            "phone": member.phone,
        }
        rows.append(
            MemberRow(
                position=index,
                name=member.name,
                cells=[
                    Item(label, values[name], name in member.declined)
                    for name, label in MEMBER_OPTIONAL_FIELDS.items()
                ],
            )
        )
    return rows


def card_context(
    *,
    card: LiaisonCard,
    members: list[CardMember],
    vehicles: list[CardVehicle],
    printed_by,
    printed_at: dt.datetime,
) -> dict[str, Any]:
    # Paper forms write dates in 和暦 (記入日 令和8年12月5日), in Tokyo time.
    stamp = dates.wareki_datetime(printed_at)
    printer = f"{printed_by.full_name}（職員番号 {printed_by.employee_number}）"
    beat = card.book.beat if card.book_id else None
    return {
        "card": card,
        "title": f"巡回連絡カード（{card.get_kind_display()}）",
        "station": card.station,
        "beat": beat,
        "post": beat.post if beat else None,
        "sections": card_sections(card),
        "members": member_rows(members),
        "member_labels": list(MEMBER_OPTIONAL_FIELDS.values()),
        "vehicles": vehicles,
        "care_points": card.care_points,
        "concerns": _card_item(card, "concerns"),
        "declined_labels": [
            label for name, label in CARD_OPTIONAL_FIELDS.items() if name in card.declined
        ],
        "is_household": card.kind == CardKind.HOUSEHOLD,
        "is_business": card.kind == CardKind.BUSINESS,
        "is_closed": card.status == CardStatus.CLOSED,
        "written_on": dates.wareki(card.created_at),
        "filed_on": dates.wareki(card.filed_at),
        "last_visit_on": dates.wareki(card.last_visit_on),
        "closed_on": dates.wareki(card.closed_on),
        "printer": printer,
        "printed_at": stamp,
        # The watermark repeats the same words in a grid across the page.
        "watermark": f"{printer} {stamp} 印刷",
        "watermark_rows": range(9),
    }


def blank_context(*, kind: str, station) -> dict[str, Any]:
    return {
        "kind": kind,
        "is_household": kind == CardKind.HOUSEHOLD,
        "is_business": kind == CardKind.BUSINESS,
        "title": f"巡回連絡カード（{BLANK_KINDS[kind]}）",
        "station": station,
        "member_rows": range(1, BLANK_MEMBER_ROWS + 1),
        "member_labels": ["氏名", *MEMBER_OPTIONAL_FIELDS.values()],
        "relationships": [
            label for value, label in Relationship.choices if value != Relationship.OTHER
        ],
        "residence_types": [label for value, label in ResidenceType.choices],
        "vehicle_rows": range(BLANK_VEHICLE_ROWS),
    }


# --- Rendering ------------------------------------------------------------------------------
@cache
def _stylesheet_text() -> str:
    path = finders.find(STYLESHEET) or Path(settings.BASE_DIR) / "static" / STYLESHEET
    return Path(path).read_text(encoding="utf-8")


def _refuse_fetch(url: str, *args, **kwargs):
    """WeasyPrint may load nothing: no images, fonts or styles from a URL in the page."""
    raise ValueError(f"印刷用の文書は外部の資源を読み込みません: {url[:80]}")


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    import weasyprint  # heavy (pango, harfbuzz): loaded when a PDF is asked for

    html = render_to_string(template_name, context)
    document = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch)
    stylesheet = weasyprint.CSS(string=_stylesheet_text(), url_fetcher=_refuse_fetch)
    return document.write_pdf(stylesheets=[stylesheet])


def pdf_response(pdf: bytes, *, filename: str, fallback: str) -> HttpResponse:
    """Shown in the browser (inline), named in Japanese (RFC 5987/6266) with an ASCII
    fallback, and never kept by a cache on the tablet or a proxy."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"inline; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
