"""A request heard from a liaison member: read and closed by the department it is addressed
to (and the 署長 of its station), with what was done; nobody else reaches it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from network.exchanges.models import Exchange, ExchangeOccasion
from network.members.models import FoundOccasion, LiaisonMember
from network.requests.models import DepartmentRequest
from tests.accounts.test_inbox import inbox_page, make_departments, meeting_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(world):
    return make_departments(world)


def detail(department_request: DepartmentRequest) -> str:
    return reverse("network:request_detail", kwargs={"pk": department_request.pk})


def close(department_request: DepartmentRequest) -> str:
    return reverse("network:request_close", kwargs={"pk": department_request.pk})


def exchange_request(world, departments) -> DepartmentRequest:
    member = LiaisonMember.objects.create(
        station=world.station_a,
        name="連絡 一郎",
        name_kana="レンラク イチロウ",
        phone="029-555-0101",
        found_by=world.beat_officer,
        found_on=timezone.localdate() - dt.timedelta(days=60),
        found_occasion=FoundOccasion.PATROL,
    )
    exchange = Exchange.objects.create(
        station=world.station_a,
        member=member,
        held_on=timezone.localdate() - dt.timedelta(days=1),
        staff=world.beat_officer,
        department=departments.traffic_a.station.departments.get(kind="community"),
        occasion=ExchangeOccasion.PATROL,
        minutes=15,
        heard="交差点のカーブミラーが曇っている",
        recorded_by=world.beat_officer,
    )
    return DepartmentRequest.objects.create(
        station=world.station_a,
        department=departments.traffic_a,
        exchange=exchange,
        text="カーブミラーの清掃",
        raised_on=exchange.held_on,
        due_on=timezone.localdate() + dt.timedelta(days=14),
        raised_by=world.beat_officer,
    )


def test_the_department_reads_the_request_and_its_occasion(world, login, departments):
    request = meeting_request(departments.traffic_a, "横断歩道の塗り直し", raised_by=world.chief)
    html = login(departments.traffic_staff).get(detail(request)).content.decode()
    assert "横断歩道の塗り直し" in html
    assert "中央警察署 交通課" in html
    assert "地域安全の会" in html and "中央公民館" in html
    assert reverse("accounts:inbox_department", kwargs={"pk": departments.traffic_a.pk}) in html


def test_the_member_is_named_to_roster_readers_without_contact_details(world, login, departments):
    request = exchange_request(world, departments)
    html = login(departments.traffic_staff).get(detail(request)).content.decode()
    assert "カーブミラーの清掃" in html and "情報交換" in html
    assert "連絡 一郎" in html
    assert "029-555-0101" not in html
    assert AccessEvent.objects.filter(
        user=departments.traffic_staff,
        object_type="network.liaisonmember",
        object_id=str(request.exchange.member_id),
    ).exists()


def test_closing_records_who_when_and_what(world, login, departments):
    request = meeting_request(departments.traffic_a, "横断歩道の塗り直し", raised_by=world.chief)
    client = login(departments.traffic_staff)
    refused = client.post(close(request), {"action_taken": ""})
    assert refused.status_code == 200
    assert "エラー：対応の内容を入力してください。" in refused.content.decode()
    request.refresh_from_db()
    assert request.closed_at is None

    before = timezone.now()
    response = client.post(close(request), {"action_taken": "道路管理者に塗り直しを依頼した"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.closed_by == departments.traffic_staff
    assert request.closed_at >= before
    assert request.action_taken == "道路管理者に塗り直しを依頼した"
    html = client.get(detail(request)).content.decode()
    assert "対応済み" in html and "道路管理者に塗り直しを依頼した" in html
    closed = inbox_page(client, departments.traffic_a, state="closed").content.decode()
    assert "横断歩道の塗り直し" in closed


def test_a_closed_request_is_not_closed_again(world, login, departments):
    request = meeting_request(departments.traffic_a, "横断歩道の塗り直し", raised_by=world.chief)
    login(departments.traffic_head).post(close(request), {"action_taken": "依頼済み"})
    request.refresh_from_db()
    first = (request.closed_by, request.closed_at)
    response = login(departments.traffic_staff).post(
        close(request), {"action_taken": "二重の記録"}, follow=True
    )
    assert "この要望はすでに対応済みです。" in response.content.decode()
    request.refresh_from_db()
    assert (request.closed_by, request.closed_at) == first
    assert request.action_taken == "依頼済み"


def test_the_station_manager_may_close_it(world, login, departments):
    request = meeting_request(departments.traffic_a, "横断歩道の塗り直し", raised_by=world.chief)
    client = login(world.station_manager)
    assert client.get(detail(request)).status_code == 200
    assert client.post(close(request), {"action_taken": "署長指示で対応"}).status_code == 302
    request.refresh_from_db()
    assert request.closed_by == world.station_manager


@pytest.mark.parametrize("persona", ["safety_staff", "traffic_staff_b"])
def test_anyone_else_gets_a_404(world, login, departments, persona):
    request = meeting_request(departments.traffic_a, "横断歩道の塗り直し", raised_by=world.chief)
    client = login(getattr(departments, persona))
    assert client.get(detail(request)).status_code == 404
    assert client.post(close(request), {"action_taken": "勝手に閉じる"}).status_code == 404
    request.refresh_from_db()
    assert request.closed_at is None


def test_other_station_requests_reach_their_own_department(world, login, departments):
    request = meeting_request(departments.traffic_b, "北口の駐輪", raised_by=world.other_officer)
    assert login(departments.traffic_staff).get(detail(request)).status_code == 404
    html = inbox_page(login(departments.traffic_staff_b), departments.traffic_b).content.decode()
    assert "北口の駐輪" in html
    mine = inbox_page(login(departments.traffic_staff), departments.traffic_a).content.decode()
    assert "北口の駐輪" not in mine
