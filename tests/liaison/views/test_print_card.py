"""印刷: a filled card as a PDF, every field labelled, 回答拒否 marked, the printer's name and
number on it; printing is an access event; only those with "print" on the card get it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from accounts.utils import dates
from liaison.cards.policy import card_actions
from liaison.filing import services as filing_services
from liaison.glass import services as glass_services
from tests.liaison.conftest import MEMBERS, make_business, make_household, pdf_text

pytestmark = pytest.mark.django_db


def url(card) -> str:
    return reverse("liaison:card_print", kwargs={"pk": card.pk})


@pytest.fixture
def declining_household(world):
    """Filed in A1-1: the resident declined the phone number and the emergency contact, the
    second member declined her birth date; one vehicle; an elderly-only household."""
    members = [
        {**MEMBERS[0], "birth_date": "1950-04-01", "phone": "090-1234-5678"},
        {**MEMBERS[1], "declined": ["birth_date"]},
    ]
    return make_household(
        world.beat_officer,
        world.beat_a1_1,
        members=members,
        phone="",
        declined=["phone", "emergency_name"],
        care_elderly_only=True,
        concerns="夜間、公園に若者が集まって騒いでいる。",
    )


def test_the_printed_card_shows_every_item_and_who_printed_it(world, login, declining_household):
    card = declining_household
    response = login(world.beat_officer).get(url(card))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert f'filename="liaison-card-{card.pk}-' in disposition
    # RFC 5987: the Japanese name, percent-encoded in UTF-8.
    assert "filename*=UTF-8''%E5%B7%A1%E5%9B%9E%E9%80%A3%E7%B5%A1" in disposition

    text = pdf_text(response.content)
    for label in (
        "巡回連絡カード",
        "郵便番号",
        "住所",
        "電話番号",
        "居住形態",
        "世帯員",
        "フリガナ",
        "続柄",
        "生年月日",
        "職業・学校",
        "勤務先・通学先",
        "緊急連絡先",
        "車両",
        "要配意事項",
        "困りごと・意見・要望",
    ):
        assert label in text, label
    assert "山田太郎" in text
    assert "山田花子" in text
    assert "ヤマダハナコ" in text
    assert "茨城県水戸市笠原町1-2-3" in text
    assert "昭和25年4月1日" in text  # 和暦, as the paper card writes a date of birth
    assert "高齢者のみの世帯" in text
    assert "夜間、公園に若者が集まって騒いでいる。" in text
    assert "編てつ済み" in text
    assert "中央警察署駅前交番第1受持区" in text
    # Declined items read 回答拒否, apart from items merely left empty.
    assert text.count("回答拒否") >= 3
    assert "回答拒否の項目（カード）：電話番号、緊急連絡先" in text
    # The printer, on every page (watermark and footer).
    officer = world.beat_officer
    assert (
        f"印刷者{officer.full_name.replace(' ', '')}（職員番号{officer.employee_number}）" in text
    )
    assert f"印刷日時{dates.wareki(timezone.localdate())}" in text
    assert "取扱注意：用済み後は速やかに廃棄" in text


def test_the_printed_card_writes_tokyo_dates_in_wareki(world, login):
    """Made and printed at 00:30 on 5 December in Tokyo (still the 4th in UTC): every date
    on the paper is the 5th, in 和暦, unpadded."""
    with time_machine.travel(dt.datetime(2026, 12, 4, 15, 30, tzinfo=dt.UTC), tick=False):
        card = make_household(world.beat_officer, world.beat_a1_1, members=MEMBERS)
        text = pdf_text(login(world.beat_officer).get(url(card)).content)
    assert "記入日令和8年12月5日" in text
    assert "編てつ日令和8年12月5日" in text
    assert "印刷日時令和8年12月5日00:30" in text
    assert "12月4日" not in text and "2026年" not in text


def test_a_declined_item_is_not_shown_as_empty(world, login):
    card = make_household(
        world.beat_officer, world.beat_a1_1, members=[MEMBERS[0]], declined=["concerns"]
    )
    text = pdf_text(login(world.beat_officer).get(url(card)).content)
    concerns = text.split("困りごと・意見・要望", 1)[1]
    assert concerns.startswith("回答拒否")

    card = make_household(world.beat_officer, world.beat_a1_1, members=[MEMBERS[0]])
    text = pdf_text(login(world.beat_officer).get(url(card)).content)
    concerns = text.split("困りごと・意見・要望", 1)[1]
    assert concerns.startswith("（未記入）")


def test_a_business_card_prints_its_own_items(world, login):
    card = make_business(
        world.beat_officer,
        world.beat_a1_1,
        business_representative="笠原 一郎",
        business_staff=12,
        declined=["business_hours"],
    )
    text = pdf_text(login(world.beat_officer).get(url(card)).content)
    assert "巡回連絡カード（事業所・官公署）" in text
    for expected in ("事業所名笠原商店", "代表者笠原一郎", "従業員数12人", "営業時間回答拒否"):
        assert expected in text
    assert "世帯員" not in text


def test_printing_is_an_access_event(world, login, household):
    login(world.supervisor).get(url(household))
    event = AccessEvent.objects.get(action=AccessEvent.Action.PRINT)
    assert event.user == world.supervisor
    assert event.object_type == "liaison.liaisoncard"
    assert event.object_id == str(household.pk)
    assert event.station == world.station_a
    assert not event.break_glass
    assert "山田" not in event.summary


@pytest.mark.parametrize("persona", ["beat_officer", "supervisor", "chief", "station_manager"])
def test_those_with_print_get_the_pdf(world, login, household, persona):
    user = world.people[persona]
    assert "print" in card_actions(user, household)
    response = login(user).get(url(household))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_the_overall_manager_reads_but_may_not_print(world, login, household):
    assert "view" in card_actions(world.overall_manager, household)
    assert "print" not in card_actions(world.overall_manager, household)
    assert login(world.overall_manager).get(url(household)).status_code == 403
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.PRINT).exists()


@pytest.mark.parametrize("persona", ["staff", "auditor", "other_officer", "no_role"])
def test_a_card_outside_ones_scope_is_not_found(world, login, household, persona):
    assert login(world.people[persona]).get(url(household)).status_code == 404


def test_a_card_of_another_beat_of_the_post_is_not_found_for_the_beat_officer(world, login):
    card = make_household(world.supervisor, world.beat_a1_2)
    assert login(world.beat_officer).get(url(card)).status_code == 404
    assert login(world.supervisor).get(url(card)).status_code == 200


def test_a_break_glass_viewer_may_not_print(world, login):
    card = make_household(world.supervisor, world.beat_a1_2)
    glass_services.break_glass_open(
        actor=world.beat_officer,
        card=card,
        purpose="missing_person",
        reason="迷子の高齢者を保護、住所の確認のため",
    )
    assert "print" not in card_actions(world.beat_officer, card)
    assert login(world.beat_officer).get(url(card)).status_code == 403
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.PRINT).exists()


def test_a_closed_card_prints_with_its_close_reason(world, login, household):
    household = filing_services.card_close(
        actor=world.beat_officer,
        card=household,
        reason="moved",
        closed_on=timezone.localdate(),
        note="県外へ転出",
        version=household.version,
    )
    text = pdf_text(login(world.beat_officer).get(url(household)).content)
    assert "廃止" in text
    assert "転出（県外へ転出）" in text


def test_anonymous_is_sent_to_sign_in(client, household):
    response = client.get(url(household))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_print_answers_only_get(world, login, household):
    assert login(world.beat_officer).post(url(household)).status_code == 405
