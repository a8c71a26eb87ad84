"""The blank 巡回連絡カード handed to residents (手交): every item labelled with room to write,
the note that items are voluntary, the privacy promise; for anyone holding a card role."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from tests.liaison.conftest import pdf_text

pytestmark = pytest.mark.django_db

URL = reverse("liaison:blank_card_print")


def pdf_pages(content: bytes) -> tuple[int, str]:
    """Number of pages and the page size, as poppler's pdfinfo reports them."""
    info = subprocess.run(
        ["pdfinfo", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return int(fields["Pages"]), fields["Page size"].strip()


def test_the_household_card_has_every_item_and_the_residents_notes(world, login):
    response = login(world.beat_officer).get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert 'filename="liaison-card-blank-household.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "巡回連絡カード（世帯用）" in text
    for label in (
        "住所",
        "建物名・部屋番号",
        "電話番号",
        "居住形態",
        "入居年月",
        "緊急連絡先",
        "車両",
        "登録番号",
        "世帯員",
        "フリガナ",
        "氏名",
        "続柄",
        "生年月日",
        "職業・学校",
        "勤務先・通学先",
        "困りごと・意見・要望",
        "警察官記入欄",
        "記入依頼",
        "聴取",
    ):
        assert label in text, label
    # Residents give each item voluntarily (回答拒否), and are told how it is kept (要領 第4).
    assert "記入したくない項目は空欄のままで構いません" in text
    assert "記入しない" in text
    assert "第三者に知られることのないよう取り扱います" in text
    # Six numbered member rows.
    assert "6人を超える場合" in text
    # Nothing about the person who printed it: the form goes to a resident.
    assert world.beat_officer.employee_number not in text
    assert "取扱注意" not in text
    # One A4 sheet printed on both sides.
    pages, size = pdf_pages(response.content)
    assert pages == 2
    assert "(A4)" in size


def test_the_business_card_asks_for_business_items(world, login):
    response = login(world.staff).get(URL, {"kind": "business"})
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "巡回連絡カード（事業所・官公署用）" in text
    for label in ("事業所名", "代表者", "業種", "従業員数", "営業時間", "休業日", "所在地"):
        assert label in text, label
    assert "世帯員" not in text
    assert "記入したくない項目は空欄のままで構いません" in text
    assert pdf_pages(response.content)[0] == 2


def test_an_unknown_kind_gives_the_household_card(world, login):
    response = login(world.beat_officer).get(URL, {"kind": "<script>"})
    assert response.status_code == 200
    assert "巡回連絡カード（世帯用）" in pdf_text(response.content)


def test_the_blank_card_is_not_an_access_event(world, login):
    login(world.beat_officer).get(URL)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.PRINT).exists()


@pytest.mark.parametrize(
    "persona",
    ["beat_officer", "supervisor", "chief", "station_manager", "staff", "overall_manager"],
)
def test_card_roles_may_print_the_blank_card(world, login, persona):
    assert login(world.people[persona]).get(URL).status_code == 200


@pytest.mark.parametrize("persona", ["auditor", "alert_author", "no_role"])
def test_others_may_not(world, login, persona):
    assert login(world.people[persona]).get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_answers_only_get(world, login):
    assert login(world.beat_officer).post(URL).status_code == 405
