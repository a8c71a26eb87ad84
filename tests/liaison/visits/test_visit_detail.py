"""A visit read by whoever sees its card (and logged as a read of the card), and its
follow-up closed by those who keep the beat: 「対応済みにする」."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AccessEvent
from liaison.visits import services
from liaison.visits.models import Visit, VisitOutcome
from tests.liaison.views import page

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evening():
    with time_machine.travel(at(21, 30), tick=False):
        yield


@pytest.fixture
def visit(world, household) -> Visit:
    return services.visit_record(
        actor=world.beat_officer,
        card=household,
        started_at=at(14, 0),
        ended_at=at(14, 20),
        outcome=VisitOutcome.MET,
        topics={"topic_local": "report_request", "topic_procedures": "information"},
        topic_note="空き巣の発生を伝えた",
        concerns="街灯が切れている",
        follow_up_department="municipality",
        follow_up_note="市役所に街灯の修理を依頼",
    )


def url(visit) -> str:
    return reverse("liaison:visit_detail", kwargs={"pk": visit.pk})


def done_url(visit) -> str:
    return reverse("liaison:visit_follow_up_done", kwargs={"pk": visit.pk})


def test_the_visit_shows_who_when_what_and_the_open_follow_up(world, login, visit):
    response = login(world.beat_officer).get(url(visit))
    assert response.status_code == 200
    text = page(response)
    for expected in (
        "2026年11月30日 14:00〜14:20",
        "beat_officer 職員",
        "面接",
        "訪問先の住民等に身近な犯罪等の発生状況及びその被害の防止方法：<strong>通報依頼</strong>",
        "警察に対する各種届出の手続方法：<strong>情報提供</strong>",
        "空き巣の発生を伝えた",
        "街灯が切れている",
        "市町村・関係機関",
        "市役所に街灯の修理を依頼",
        "未対応",
        "対応済みにする",
        "笠原町1-2-3",
    ):
        assert expected in text, expected


def test_reading_a_visit_is_a_read_of_its_card(world, login, visit):
    login(world.station_manager).get(url(visit))
    event = AccessEvent.objects.get(user=world.station_manager, action=AccessEvent.Action.VIEW)
    assert event.object_id == str(visit.card_id) and event.summary == "巡回連絡の記録の閲覧"
    assert "山田" not in event.summary


def test_the_supervisor_closes_the_follow_up_with_a_note(world, login, visit):
    client = login(world.supervisor)
    assert "対応済みにする" in page(client.get(url(visit)))
    response = client.post(done_url(visit), {"note": "市が12月2日に修理"})
    assert response.status_code == 302 and response["Location"] == url(visit)
    visit.refresh_from_db()
    assert visit.follow_up_done_by == world.supervisor and not visit.follow_up_open
    assert visit.follow_up_note == "市役所に街灯の修理を依頼\n市が12月2日に修理"
    text = page(client.get(url(visit)))
    assert "対応すべき事項を対応済みにしました。" in text
    assert "対応済み</span> 2026年11月30日 21:30（supervisor 職員）" in text
    assert "対応済みにする" not in text


def test_closing_it_twice_says_so(world, login, visit):
    client = login(world.beat_officer)
    client.post(done_url(visit))
    response = client.post(done_url(visit), follow=True)
    assert "この事項はすでに対応済みです。" in page(response)


def test_the_station_manager_reads_it_but_may_not_close_it(world, login, visit):
    client = login(world.station_manager)
    assert "対応済みにする" not in page(client.get(url(visit)))
    assert client.post(done_url(visit)).status_code == 403
    visit.refresh_from_db()
    assert visit.follow_up_open


def test_a_visit_without_follow_up_says_so(world, login, household):
    plain = services.visit_absent(actor=world.beat_officer, card=household, at=at(11, 0))
    text = page(login(world.beat_officer).get(url(plain)))
    assert "対応すべき事項はありません。" in text and "対応済みにする" not in text


def test_another_station_does_not_find_it(world, login, visit):
    client = login(world.other_officer)
    assert client.get(url(visit)).status_code == 404
    assert client.post(done_url(visit)).status_code == 404
    visit.refresh_from_db()
    assert visit.follow_up_open


def test_methods(world, login, visit):
    client = login(world.beat_officer)
    assert client.post(url(visit)).status_code == 405
    assert client.get(done_url(visit)).status_code == 405
