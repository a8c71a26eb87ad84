"""提出・下書きのカード: the 地域課長等's queue, the beat officer's cards to file, and a staff
member's own drafts and submitted cards; searchable by name, paginated, logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from liaison.cards import services as cards_services
from liaison.cards.models import CardKind
from liaison.filing import services as filing_services
from tests.liaison.conftest import HOUSEHOLD_DATA, book_of, make_household
from tests.liaison.views import page

pytestmark = pytest.mark.django_db

URL = reverse("liaison:submitted_list")


def staff_card(world, name, kana, *, submit=True):
    card = cards_services.card_create(
        actor=world.staff,
        kind=CardKind.HOUSEHOLD,
        station=world.station_a,
        data=HOUSEHOLD_DATA,
        members=[{"name": name, "kana": kana, "relationship": "head"}],
        draft=not submit,
    )
    return card


def test_the_chief_sees_what_waits_for_a_beat(world, login):
    staff_card(world, "提出 一郎", "テイシュツ イチロウ")
    staff_card(world, "下書 二郎", "シタガキ ジロウ", submit=False)
    text = page(login(world.chief).get(URL))
    assert "提出 一郎" in text and "受持区の指定待ち" in text
    assert "下書 二郎" not in text  # a draft is its maker's own
    assert "受持区を指定してください" in text


def test_the_beat_officer_sees_the_cards_assigned_to_his_beat_and_his_drafts(world, login):
    assigned = staff_card(world, "指定 三郎", "シテイ サブロウ")
    filing_services.card_assign(actor=world.chief, card=assigned, book=book_of(world.beat_a1_1))
    elsewhere = staff_card(world, "別区 四郎", "ベック シロウ")
    filing_services.card_assign(actor=world.chief, card=elsewhere, book=book_of(world.beat_a1_2))
    make_household(
        world.beat_officer,
        world.beat_a1_1,
        draft=True,
        members=[{"name": "自作 五郎", "relationship": "head"}],
    )
    text = page(login(world.beat_officer).get(URL))
    assert "指定 三郎" in text and "編てつ待ち" in text and "第1受持区" in text
    assert "自作 五郎" in text
    assert "別区 四郎" not in text


def test_staff_see_their_own_drafts_and_submitted_cards(world, login):
    staff_card(world, "提出 一郎", "テイシュツ イチロウ")
    staff_card(world, "下書 二郎", "シタガキ ジロウ", submit=False)
    text = page(login(world.staff).get(URL))
    assert "提出 一郎" in text and "下書 二郎" in text
    assert reverse("liaison:card_create") in text


def test_the_list_is_searched_by_name_in_kana_and_filtered_by_state(world, login):
    staff_card(world, "提出 一郎", "テイシュツ イチロウ")
    staff_card(world, "下書 二郎", "シタガキ ジロウ", submit=False)
    client = login(world.staff)
    text = page(client.get(URL, {"q": "しただき"}))
    assert "条件に当てはまるカードはありません" in text
    text = page(client.get(URL, {"q": "ｼﾀｶﾞｷ"}))
    assert "下書 二郎" in text and "提出 一郎" not in text
    text = page(client.get(URL, {"state": "unassigned"}))
    assert "提出 一郎" in text and "下書 二郎" not in text
    event = AccessEvent.objects.filter(user=world.staff, action=AccessEvent.Action.SEARCH).first()
    assert event is not None and "シタガキ" not in event.summary and "1件" in event.summary


def test_the_list_pages_by_25(world, login):
    for index in range(27):
        staff_card(world, f"職員作成 {index:02d}", "ショクイン")
    client = login(world.staff)
    first = page(client.get(URL))
    assert "27件" in first and "1 / 2ページ" in first
    second = page(client.get(URL, {"page": 2}))
    assert second.count("職員作成 ") == 2


def test_someone_with_nothing_waiting_gets_an_explanation(world, login):
    for persona in ("no_role", "auditor", "overall_manager"):
        response = login(getattr(world, persona)).get(URL)
        assert response.status_code == 200
        assert "いま編てつを待っているカードや下書きはありません" in page(response)
    assert AccessEvent.objects.filter(action=AccessEvent.Action.LIST).count() == 3


def test_another_stations_queue_is_not_shown(world, login):
    staff_card(world, "提出 一郎", "テイシュツ イチロウ")
    assert "提出 一郎" not in page(login(world.other_officer).get(URL))


def test_anonymous_users_are_sent_to_sign_in_and_post_is_refused(client, world, login):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert login(world.chief).post(URL).status_code == 405
