"""The card page: everything on one card, its history as a readable diff, the buttons the
reader may use, an access event for every view, and a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from liaison.cards import services as cards_services
from liaison.glass import services as glass_services
from liaison.glass.models import BreakGlassPurpose
from tests.html import rows, terms
from tests.liaison.conftest import MEMBERS, make_business, make_household
from tests.liaison.views import page

pytestmark = pytest.mark.django_db


def url(card):
    return reverse("liaison:card_detail", kwargs={"pk": card.pk})


def test_the_page_shows_the_card_its_members_and_its_state(world, login, household):
    response = login(world.beat_officer).get(url(household))
    assert response.status_code == 200
    text = page(response)
    for expected in (
        "山田 太郎",
        "ヤマダ ハナコ",
        "小学生",
        "世帯主",
        "配偶者",
        "笠原町1-2-3",
        "〒310-0852",
        "編てつ済み",
        "第1受持区",
        "最終巡回連絡日",
        "未実施",
    ):
        assert expected in text, expected
    assert "世帯員（3人）" in text


def test_declined_and_empty_items_are_shown_apart(world, login):
    card = make_household(
        world.beat_officer,
        world.beat_a1_1,
        phone="",
        declined=["phone"],
        members=[{"name": "水戸 一人", "relationship": "head", "declined": ["birth_date"]}],
    )
    text = page(login(world.beat_officer).get(url(card)))
    # The phone in the card's items, the birth date in the members' table.
    items = [value for _, value in terms(text)]
    cells = [cell for cells in rows(text) for cell in cells]
    assert items.count("回答拒否") + cells.count("回答拒否") == 2
    assert "未記入" in items + cells


def test_care_points_and_vehicles_are_listed(world, login):
    card = make_household(
        world.beat_officer,
        world.beat_a1_1,
        care_elderly_alone=True,
        care_foreign=True,
        care_language="ベトナム語",
    )
    cards_services.card_update(
        actor=world.beat_officer,
        card=card,
        version=1,
        data={},
        reason="車両の追加",
        vehicles=[{"kind": "軽自動車", "plate": "水戸 580 い 55-66"}],
    )
    text = page(login(world.beat_officer).get(url(card)))
    assert "一人暮らしの高齢者" in text and "外国人世帯（ベトナム語）" in text
    assert "水戸 580 い 55-66" in text


def test_a_business_card_shows_its_items(world, login):
    card = make_business(world.beat_officer, world.beat_a1_1, business_staff=12)
    text = page(login(world.beat_officer).get(url(card)))
    assert "笠原商店" in text and "12人" in text and "従業員数" in text
    assert "世帯員" not in text


def test_every_view_is_an_access_event(world, login, household):
    client = login(world.supervisor)
    client.get(url(household))
    client.get(url(household))
    events = AccessEvent.objects.filter(
        user=world.supervisor, action=AccessEvent.Action.VIEW, object_id=str(household.pk)
    )
    assert events.count() == 2
    assert not events.filter(break_glass=True).exists()
    # No personal values in the log line.
    assert all("山田" not in e.summary for e in events)


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("beat_officer", ["補正", "廃止", "受持区の変更", "印刷"], ["受持区を指定", "提出する"]),
        ("chief", ["補正", "廃止", "受持区の変更", "印刷"], ["提出する"]),
        ("station_manager", ["印刷"], ["補正", "廃止（転出・廃業）", "受持区の変更"]),
        ("overall_manager", [], ["補正", "廃止（転出・廃業）", "印刷（PDF）"]),
    ],
)
def test_the_buttons_follow_what_the_reader_may_do(world, login, household, persona, shown, hidden):
    text = page(login(getattr(world, persona)).get(url(household)))
    for label in shown:
        assert label in text, label
    for label in hidden:
        assert label not in text, label
    assert reverse("liaison:card_history", kwargs={"pk": household.pk}) in text


def test_the_latest_changes_are_shown_as_a_diff_with_a_link_to_all(world, login, household):
    cards_services.card_update(
        actor=world.supervisor,
        card=household,
        version=1,
        data={"phone": "029-999-0000"},
        reason="電話番号の変更",
    )
    text = page(login(world.beat_officer).get(url(household)))
    assert "電話番号の変更" in text
    assert "<del>029-123-4567</del> → <ins>029-999-0000</ins>" in text
    assert world.supervisor.full_name in text
    assert "変更履歴をすべて見る" in text


def test_a_card_of_another_beat_or_station_is_not_found(
    world, login, household, other_station_card
):
    assert login(world.other_officer).get(url(household)).status_code == 404
    assert login(world.beat_officer).get(url(other_station_card)).status_code == 404
    assert login(world.staff).get(url(household)).status_code == 404
    assert login(world.auditor).get(url(household)).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, world, household):
    response = client.get(url(household))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_only_get_is_answered(world, login, household):
    assert login(world.beat_officer).post(url(household)).status_code == 405


def test_break_the_glass_shows_the_banner_and_no_write_button(world, login, household):
    access = glass_services.break_glass_open(
        actor=world.staff,
        card=household,
        purpose=BreakGlassPurpose.MISSING_PERSON,
        reason="高齢者の行方不明事案の照会のため",
    )
    response = login(world.staff).get(url(household))
    assert response.status_code == 200
    text = page(response)
    local = timezone.localtime(access.expires_at).strftime("%H:%M")
    assert (
        f"緊急閲覧中：目的迷子・行方不明者（高齢者等）の保護、期限 {local} まで。"
        "この閲覧は記録され、監査の対象です。"
    ) in text
    assert "山田 太郎" in text
    for label in ("補正", "廃止（転出・廃業）", "受持区の変更", "印刷（PDF）", "編てつする"):
        assert label not in text
    assert AccessEvent.objects.filter(
        user=world.staff,
        action=AccessEvent.Action.VIEW,
        object_id=str(household.pk),
        break_glass=True,
        summary="カードの閲覧",
    ).exists()


def _history(card, officer, count):
    for index in range(count):
        card = cards_services.card_update(
            actor=officer,
            card=card,
            version=card.version,
            data={"concerns": f"相談{index}"},
            reason=f"補正{index}",
        )
    return card


def _queries(client, card) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(card)).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_members_or_history(
    world, login, django_assert_num_queries
):
    small = make_household(world.beat_officer, world.beat_a1_1, members=[MEMBERS[0]])
    members = [{**MEMBERS[i % 3], "name": f"山田 {i}"} for i in range(8)]
    large = make_household(world.beat_officer, world.beat_a1_1, members=members)
    large = cards_services.card_update(
        actor=world.beat_officer,
        card=large,
        version=1,
        data={},
        reason="車両",
        vehicles=[{"plate": f"水戸 500 あ {i}"} for i in range(3)],
    )
    large = _history(large, world.beat_officer, 30)
    client = login(world.beat_officer)
    _queries(client, small)  # warm the session and caches as a second page view would
    with django_assert_num_queries(QUERIES):
        client.get(url(small))
    with django_assert_num_queries(QUERIES):
        response = client.get(url(large))
    text = page(response)
    assert "世帯員（8人）" in text and "山田 7" in text
    assert "補正29" in text and "補正10" in text and "補正9" not in text


# Session, user, OTP device (3); the card (1); the access log's insert (1); members,
# vehicles (2); the latest visits (1, whatever their number); card, member and vehicle
# history (3). The reader's permissions on its beat and station, the acting roles and the
# menu come from the grants cache; the session is not written.
QUERIES = 11
