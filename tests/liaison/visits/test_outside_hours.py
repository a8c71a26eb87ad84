"""時間外の巡回連絡 (要領 第5-3 おおむね): a visit recorded outside the hours waits on the page
of the station's 地域課長等, who acknowledges it once; who and when stay on the visit."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from accounts.exceptions import PermissionDenied, TransitionError
from liaison.visits import services
from liaison.visits.models import Visit, VisitOutcome

from .conftest import at

pytestmark = pytest.mark.django_db

LIST = reverse("liaison:visit_hours_list")
HOME = reverse("accounts:home")


@pytest.fixture(autouse=True)
def evening():
    with time_machine.travel(at(21, 30), tick=False):
        yield


def outside(world, card, *, officer=None, hh=7, reason="出勤前の時間を指定されたため"):
    return services.visit_record(
        actor=officer or world.beat_officer,
        card=card,
        started_at=at(hh, 0),
        ended_at=at(hh, 10),
        outcome=VisitOutcome.MET,
        outside_hours_reason=reason,
    )


def ack_url(visit) -> str:
    return reverse("liaison:visit_hours_acknowledge", kwargs={"pk": visit.pk})


def test_the_chief_sees_it_waiting_on_his_home_page_and_his_list(world, login, household):
    visit = outside(world, household)
    client = login(world.chief)
    home = client.get(HOME).content.decode()
    assert "時間外の巡回連絡（確認待ち）" in home
    assert reverse("liaison:visit_detail", kwargs={"pk": visit.pk}) in home
    html = client.get(LIST).content.decode()
    assert "未確認：1件" in html
    assert "出勤前の時間を指定されたため" in html
    assert "午前8時15分より前に開始" in html
    assert ack_url(visit) in html


def test_acknowledging_keeps_who_and_when_and_the_visit_leaves_the_waiting_list(
    world, login, household
):
    visit = outside(world, household)
    client = login(world.chief)
    response = client.post(ack_url(visit), {"note": "やむを得ないと認める", "state": "waiting"})
    assert response.status_code == 302 and response["Location"] == LIST
    visit.refresh_from_db()
    assert visit.hours_acknowledged_by == world.chief
    assert visit.hours_acknowledged_at == at(21, 30)
    assert visit.hours_acknowledgement_note == "やむを得ないと認める"
    assert visit.history.order_by("-history_id").first().history_change_reason == "時間外の確認"
    assert "未確認：0件" in client.get(LIST).content.decode()
    done = client.get(LIST + "?state=done").content.decode()
    assert "確認済み：1件" in done and "やむを得ないと認める" in done
    assert "時間外の巡回連絡（確認待ち）" not in client.get(HOME).content.decode()
    # The officer reads the acknowledgement on his visit.
    detail = reverse("liaison:visit_detail", kwargs={"pk": visit.pk})
    shown = login(world.beat_officer).get(detail).content.decode()
    assert "地域課長等の確認：2026年11月30日 21:30（chief 職員）" in shown


def test_a_state_not_in_the_list_shows_those_waiting(world, login, household):
    waiting = outside(world, household)
    done = outside(world, household, hh=6)
    services.visit_hours_acknowledge(actor=world.chief, visit=done, note="")
    client = login(world.chief)
    for query in ("", "?state=", "?state=bogus"):
        html = client.get(LIST + query).content.decode()
        assert "未確認：1件" in html and ack_url(waiting) in html
    assert "すべて：2件" in client.get(LIST + "?state=all").content.decode()


def test_it_is_acknowledged_once(world, household):
    visit = outside(world, household)
    services.visit_hours_acknowledge(actor=world.chief, visit=visit)
    with pytest.raises(TransitionError, match="すでに確認済み"):
        services.visit_hours_acknowledge(actor=world.chief, visit=visit)


def test_a_visit_within_the_hours_has_nothing_to_acknowledge(world, household):
    visit = services.visit_record(
        actor=world.beat_officer,
        card=household,
        started_at=at(10, 0),
        ended_at=at(10, 10),
        outcome=VisitOutcome.MET,
    )
    with pytest.raises(TransitionError, match="確認は要りません"):
        services.visit_hours_acknowledge(actor=world.chief, visit=visit)


@pytest.mark.parametrize("persona", ["station_manager", "supervisor", "overall_manager"])
def test_only_the_stations_chief_acknowledges(world, household, persona):
    visit = outside(world, household)
    with pytest.raises(PermissionDenied):
        services.visit_hours_acknowledge(actor=getattr(world, persona), visit=visit)
    assert Visit.objects.get().hours_acknowledged_at is None


def test_a_chief_of_another_station_gets_404(world, login, household, chief_b):
    visit = outside(world, household)
    client = login(chief_b)
    assert "未確認：0件" in client.get(LIST).content.decode()
    assert client.post(ack_url(visit)).status_code == 404
    assert Visit.objects.get().hours_acknowledged_at is None


@pytest.mark.parametrize("persona", ["beat_officer", "station_manager", "overall_manager"])
def test_the_page_is_the_chiefs(world, login, persona):
    assert login(getattr(world, persona)).get(LIST).status_code == 403
