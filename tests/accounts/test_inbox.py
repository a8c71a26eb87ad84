"""課の対応事項: a visit's follow-up and a request heard from a liaison member reach the
inbox of the department they name at their station, and nobody else's; overdue ones stand
out to the department's head and the 署長; the page costs the same with more requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.inbox import selectors as inbox_selectors
from accounts.models import Department, Role, User
from liaison.visits import services as visits_services
from liaison.visits.models import Visit, VisitOutcome
from network.meetings.models import SafetyMeeting
from network.requests.models import DepartmentRequest
from tests.conftest import World
from tests.factories import UserFactory
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@dataclass
class Departments:
    traffic_a: Department
    safety_a: Department
    traffic_b: Department
    traffic_staff: User  # 交通課 of station A
    safety_staff: User  # 生活安全課 of station A
    traffic_head: User  # 交通課長 of station A
    traffic_staff_b: User  # 交通課 of station B


def _appoint(world: World, number: str, role: str, department: Department) -> User:
    user = UserFactory(employee_number=number, full_name=f"{department.name} 職員{number}")
    accounts_services.appointment_start(
        actor=None,
        user=user,
        role=role,
        unit=department.station,
        starts_on=TODAY() - dt.timedelta(days=10),
        department=department,
    )
    return user


def make_departments(world: World) -> Departments:
    kind = Department.Kind
    traffic_a = Department.objects.create(station=world.station_a, kind=kind.TRAFFIC, name="交通課")
    safety_a = Department.objects.create(
        station=world.station_a, kind=kind.SAFETY, name="生活安全課"
    )
    traffic_b = Department.objects.create(station=world.station_b, kind=kind.TRAFFIC, name="交通課")
    return Departments(
        traffic_a=traffic_a,
        safety_a=safety_a,
        traffic_b=traffic_b,
        traffic_staff=_appoint(world, "300001", Role.STAFF, traffic_a),
        safety_staff=_appoint(world, "300002", Role.STAFF, safety_a),
        traffic_head=_appoint(world, "300003", Role.DEPARTMENT_HEAD, traffic_a),
        traffic_staff_b=_appoint(world, "300004", Role.STAFF, traffic_b),
    )


@pytest.fixture
def departments(world) -> Departments:
    return make_departments(world)


def follow_up(world: World, note: str, *, department: str = "traffic", days_ago: int = 2) -> Visit:
    """A visit to a new household of beat A1-1 whose follow-up names a department."""
    card = make_household(
        world.beat_officer,
        world.beat_a1_1,
        banchi=f"{days_ago}-{Visit.objects.count() + 1}",
        made_at=timezone.now() - dt.timedelta(days=days_ago + 1),
    )
    day = TODAY() - dt.timedelta(days=days_ago)
    at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())
    return visits_services.visit_record(
        actor=world.beat_officer,
        card=card,
        started_at=at,
        ended_at=at + dt.timedelta(minutes=15),
        outcome=VisitOutcome.MET,
        follow_up_department=department,
        follow_up_note=note,
    )


def meeting_request(
    department: Department, text: str, *, raised_by: User, due_in: int = 7
) -> DepartmentRequest:
    """A request heard at a 地域安全の会 of the department's station."""
    meeting = SafetyMeeting.objects.create(
        station=department.station,
        held_on=TODAY() - dt.timedelta(days=3),
        place="中央公民館",
        agenda="通学路の安全",
        recorded_by=raised_by,
    )
    return DepartmentRequest.objects.create(
        station=department.station,
        department=department,
        meeting=meeting,
        text=text,
        raised_on=TODAY() - dt.timedelta(days=3),
        due_on=TODAY() + dt.timedelta(days=due_in),
        raised_by=raised_by,
    )


def inbox_page(client, department: Department, state: str = "open", page: int = 1):
    url = reverse("accounts:inbox_department", kwargs={"pk": department.pk})
    return client.get(url, {"state": state, "page": page})


# --- Who sees what ----------------------------------------------------------------------


def test_a_visit_follow_up_reaches_the_department_it_names(world, login, departments):
    follow_up(world, "通学路の信号が短い")
    traffic = inbox_page(login(departments.traffic_staff), departments.traffic_a)
    assert traffic.status_code == 200
    html = traffic.content.decode()
    assert "通学路の信号が短い" in html
    assert "巡回連絡での要望（駅前交番 第1受持区）" in html
    assert "未対応：1件" in html


def test_another_department_does_not_see_it(world, login, departments):
    follow_up(world, "通学路の信号が短い")
    client = login(departments.safety_staff)
    html = inbox_page(client, departments.safety_a).content.decode()
    assert "通学路の信号が短い" not in html
    assert "対応事項はありません" in html
    # Nor can he open 交通課's inbox, or the follow-up's page.
    assert inbox_page(client, departments.traffic_a).status_code == 404


def test_another_stations_traffic_department_does_not_see_it(world, login, departments):
    visit = follow_up(world, "通学路の信号が短い")
    request = meeting_request(
        departments.traffic_a, "横断歩道の塗り直し", raised_by=world.station_manager
    )
    client = login(departments.traffic_staff_b)
    html = inbox_page(client, departments.traffic_b).content.decode()
    assert "通学路の信号が短い" not in html and "横断歩道の塗り直し" not in html
    assert inbox_page(client, departments.traffic_a).status_code == 404
    detail = reverse("liaison:follow_up_inbox_detail", kwargs={"pk": visit.pk})
    assert client.get(detail).status_code == 404
    assert (
        client.get(reverse("network:request_detail", kwargs={"pk": request.pk})).status_code == 404
    )


def test_the_inbox_lists_the_users_departments_with_their_counts(world, login, departments):
    follow_up(world, "通学路の信号が短い")
    meeting_request(departments.traffic_a, "横断歩道の塗り直し", raised_by=world.station_manager)
    rows = inbox_selectors.inbox_counts(user=departments.traffic_staff)
    assert [(r.department, r.counts.open) for r in rows] == [(departments.traffic_a, 2)]
    # The 署長 works every department of his station, and none of another.
    manager = {r.department for r in inbox_selectors.inbox_counts(user=world.station_manager)}
    assert {departments.traffic_a, departments.safety_a} <= manager
    assert departments.traffic_b not in manager
    html = login(world.station_manager).get(reverse("accounts:inbox")).content.decode()
    assert "中央警察署 交通課" in html and "北警察署" not in html


def test_someone_who_works_no_department_is_told_so(world, login):
    html = login(world.auditor).get(reverse("accounts:inbox")).content.decode()
    assert "担当する課はありません" in html


def test_items_of_both_sources_are_merged_by_due_date_and_paged(world, login, departments):
    later = meeting_request(
        departments.traffic_a, "要望・期限遅い", raised_by=world.station_manager, due_in=20
    )
    sooner = meeting_request(
        departments.traffic_a, "要望・期限近い", raised_by=world.station_manager, due_in=1
    )
    follow_up(world, "巡回連絡・期限なし")
    client = login(departments.traffic_staff)
    html = inbox_page(client, departments.traffic_a).content.decode()
    order = [html.index(t) for t in ("要望・期限近い", "要望・期限遅い", "巡回連絡・期限なし")]
    assert order == sorted(order)
    for n in range(25):
        meeting_request(departments.traffic_a, f"追加の要望{n:02d}", raised_by=later.raised_by)
    first = inbox_page(client, departments.traffic_a).content.decode()
    second = inbox_page(client, departments.traffic_a, page=2).content.decode()
    assert "未対応：28件" in first
    assert "要望・期限近い" in first and "要望・期限近い" not in second
    assert "巡回連絡・期限なし" in second  # no due date: last
    assert sooner.pk  # (made for its order)


# --- Closing a visit's follow-up from the inbox --------------------------------------------


def test_department_staff_read_the_follow_up_without_the_card(world, login, departments):
    visit = follow_up(world, "通学路の信号が短い")
    client = login(departments.traffic_staff)
    response = client.get(reverse("liaison:follow_up_inbox_detail", kwargs={"pk": visit.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "通学路の信号が短い" in html and "駅前交番 第1受持区" in html
    assert "山田 太郎" not in html and "笠原町" not in html  # the household stays out
    # The card itself stays out of his reach.
    card = reverse("liaison:card_detail", kwargs={"pk": visit.card_id})
    assert client.get(card).status_code == 404


def test_department_staff_close_it_saying_what_was_done(world, login, departments):
    visit = follow_up(world, "通学路の信号が短い")
    client = login(departments.traffic_staff)
    close = reverse("liaison:follow_up_inbox_close", kwargs={"pk": visit.pk})
    refused = client.post(close, {"note": "  "})
    assert "エラー：対応の内容を入力してください。" in refused.content.decode()
    visit.refresh_from_db()
    assert visit.follow_up_done_at is None

    response = client.post(close, {"note": "信号の時間を延長した"}, follow=True)
    visit.refresh_from_db()
    assert visit.follow_up_done_by == departments.traffic_staff
    assert visit.follow_up_done_at is not None
    assert "信号の時間を延長した" in visit.follow_up_note
    assert "対応済みにしました" in response.content.decode()
    closed = inbox_page(client, departments.traffic_a, state="closed").content.decode()
    assert "通学路の信号が短い" in closed and departments.traffic_staff.full_name in closed
    assert "対応事項はありません" in inbox_page(client, departments.traffic_a).content.decode()

    again = client.post(close, {"note": "もう一度"}, follow=True)
    assert "すでに対応済みです" in again.content.decode()


def test_another_department_cannot_close_it(world, login, departments):
    visit = follow_up(world, "通学路の信号が短い")
    client = login(departments.safety_staff)
    close = reverse("liaison:follow_up_inbox_close", kwargs={"pk": visit.pk})
    assert client.post(close, {"note": "対応した"}).status_code == 404
    visit.refresh_from_db()
    assert visit.follow_up_done_at is None


def test_the_beat_officers_follow_up_pages_still_work(world, login, departments):
    visit = follow_up(world, "通学路の信号が短い")
    client = login(world.beat_officer)
    assert "通学路の信号が短い" in client.get(reverse("liaison:follow_up_list")).content.decode()
    done = reverse("liaison:visit_follow_up_done", kwargs={"pk": visit.pk})
    assert client.post(done, {"note": ""}).status_code == 302
    visit.refresh_from_db()
    assert visit.follow_up_done_by == world.beat_officer


# --- Overdue -----------------------------------------------------------------------------


def test_overdue_requests_are_marked_and_filtered(world, login, departments):
    meeting_request(
        departments.traffic_a, "期限切れの要望", raised_by=world.station_manager, due_in=-2
    )
    meeting_request(departments.traffic_a, "まだ間に合う要望", raised_by=world.station_manager)
    client = login(departments.traffic_staff)
    html = inbox_page(client, departments.traffic_a).content.decode()
    assert 'class="is-overdue"' in html and "期限超過" in html
    overdue = inbox_page(client, departments.traffic_a, state="overdue").content.decode()
    assert "期限切れの要望" in overdue and "まだ間に合う要望" not in overdue
    assert "期限超過：1件" in overdue


def test_overdue_ones_stand_out_to_the_head_and_the_station_manager(world, login, departments):
    meeting_request(
        departments.traffic_a, "期限切れの要望", raised_by=world.station_manager, due_in=-2
    )
    home = reverse("accounts:home")
    for head in (departments.traffic_head, world.station_manager):
        html = login(head).get(home).content.decode()
        assert "期限を過ぎた対応事項" in html, head
        assert "交通課：地域安全の会での要望" in html, head
    staff = login(departments.traffic_staff).get(home).content.decode()
    assert "期限を過ぎた対応事項" not in staff
    assert "課の対応事項" in staff  # his own counts
    other = login(departments.traffic_staff_b).get(home).content.decode()
    assert "期限切れの要望" not in other and "期限を過ぎた対応事項" not in other


# --- Cost ---------------------------------------------------------------------------------


def test_the_inbox_page_costs_the_same_with_more_requests(world, login, departments):
    follow_up(world, "最初の要望")
    meeting_request(departments.traffic_a, "最初の会の要望", raised_by=world.station_manager)
    client = login(departments.traffic_staff)
    inbox_page(client, departments.traffic_a)  # the first request stamps the session
    with CaptureQueriesContext(connection) as few:
        assert inbox_page(client, departments.traffic_a).status_code == 200
    for n in range(4):
        follow_up(world, f"追加の巡回連絡{n}", days_ago=3 + n)
        meeting_request(departments.traffic_a, f"追加の会の要望{n}", raised_by=world.chief)
    with CaptureQueriesContext(connection) as many:
        html = inbox_page(client, departments.traffic_a).content.decode()
    assert "追加の巡回連絡3" in html and "追加の会の要望3" in html
    assert len(many) == len(few)
