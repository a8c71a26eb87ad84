"""Cards for tests, made through the real services (as an officer would make them)."""

from __future__ import annotations

import re
import subprocess

import pytest

from liaison.cards import services
from liaison.cards.models import CardKind, LiaisonBook, LiaisonCard


def book_of(beat) -> LiaisonBook:
    return LiaisonBook.objects.get(pk=beat.pk)


HOUSEHOLD_DATA = {
    "postal_code": "3100852",
    "prefecture": "茨城県",
    "city": "水戸市",
    "town": "笠原町",
    "banchi": "1-2-3",
    "phone": "029-123-4567",
    "residence_type": "owned_house",
    "moved_in_on": None,
    "concerns": "",
}

MEMBERS = [
    {"name": "山田 太郎", "kana": "ヤマダ タロウ", "relationship": "head", "occupation": "会社員"},
    {"name": "山田 花子", "kana": "ヤマダ ハナコ", "relationship": "spouse"},
    {
        "name": "山田 一郎",
        "kana": "ヤマダ イチロウ",
        "relationship": "child",
        "occupation": "小学生",
    },
]


def make_household(
    officer, beat, *, members=None, draft: bool = False, made_at=None, **data
) -> LiaisonCard:
    """A household card filed in beat's book by `officer` (who must be able to write it),
    now or, carried over from the paper book, at `made_at` (visits go back to that day)."""
    return services.card_create(
        actor=officer,
        kind=CardKind.HOUSEHOLD,
        book=book_of(beat),
        data={**HOUSEHOLD_DATA, **data},
        members=MEMBERS if members is None else members,
        draft=draft,
        made_at=made_at,
    )


def make_business(officer, beat, *, made_at=None, **data) -> LiaisonCard:
    return services.card_create(
        actor=officer,
        kind=CardKind.BUSINESS,
        book=book_of(beat),
        made_at=made_at,
        data={
            "town": "笠原町",
            "banchi": "5-1",
            "business_name": "笠原商店",
            "business_name_kana": "カサハラショウテン",
            "phone": "029-200-0001",
            **data,
        },
    )


@pytest.fixture
def household(world) -> LiaisonCard:
    """A filed household of three in beat A1-1, made by its beat officer."""
    return make_household(world.beat_officer, world.beat_a1_1)


@pytest.fixture
def other_station_card(world) -> LiaisonCard:
    """A filed household in beat B1-1 of station B."""
    return make_household(world.other_officer, world.beat_b1_1, members=[MEMBERS[0]])


def pdf_text(content: bytes) -> str:
    """The PDF's text in drawing order (-raw: the rotated watermark, drawn last, does not
    cut into the lines), with line breaks and spaces folded away."""
    assert content.startswith(b"%PDF-")
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return re.sub(r"\s+", "", out)
