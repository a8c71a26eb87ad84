"""Recording an exchange with a 連絡員 (seed 001 3⑴ア・イ): the requests heard reach the
named department of the same station; bad input comes back at its field; another
station's member and exchange are out of reach."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from network.exchanges.models import Exchange
from network.requests.models import DepartmentRequest
from tests.html import field_error, rows, soup, text

from .matrix_exchanges import make_exchange, make_member

pytestmark = pytest.mark.django_db

CREATE = "/network/exchanges/new/"


@pytest.fixture
def member(world):
    return make_member(world.station_a, world.chief, "連絡 一郎", "レンラク イチロウ")


@pytest.fixture
def traffic(world):
    return Department.objects.create(
        station=world.station_a, kind=Department.Kind.TRAFFIC, name="交通課"
    )


def community(station):
    return Department.objects.get(station=station, kind=Department.Kind.COMMUNITY)


def post_data(member, department, **extra):
    data = {
        "held_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "member": member.pk,
        "department": department.pk,
        "occasion": "patrol",
        "minutes": "30",
        "heard": "夕方の通学路で車の速度が速いとの意見",
        "requests-TOTAL_FORMS": "3",
        "requests-INITIAL_FORMS": "0",
        "requests-MIN_NUM_FORMS": "0",
        "requests-MAX_NUM_FORMS": "3",
    }
    data.update(extra)
    return data


def test_recording_with_requests_sends_them_to_the_named_departments(world, login, member, traffic):
    client = login(world.beat_officer)
    due = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        CREATE,
        post_data(
            member,
            community(world.station_a),
            **{
                "requests-0-department": traffic.pk,
                "requests-0-text": "通学路に速度取締りをしてほしい",
                "requests-0-due_on": due.isoformat(),
                "requests-1-department": community(world.station_a).pk,
                "requests-1-text": "公園のパトロールを増やしてほしい",
            },
        ),
    )
    exchange = Exchange.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network:exchange_detail", kwargs={"pk": exchange.pk})
    assert exchange.staff == world.beat_officer
    assert exchange.station == world.station_a
    requests = {r.department.name: r for r in DepartmentRequest.objects.all()}
    assert set(requests) == {"交通課", "地域課"}
    assert requests["交通課"].text == "通学路に速度取締りをしてほしい"
    assert requests["交通課"].due_on == due
    assert requests["交通課"].exchange == exchange
    assert requests["交通課"].raised_on == exchange.held_on
    # Left without a date: due two weeks from today.
    assert requests["地域課"].due_on == timezone.localdate() + dt.timedelta(days=14)

    page = client.get(response["Location"])
    assert "通学路に速度取締りをしてほしい" in text(page)
    assert "連絡 一郎" in text(page)


def test_an_empty_request_row_raises_nothing(world, login, member):
    client = login(world.beat_officer)
    response = client.post(CREATE, post_data(member, community(world.station_a)))
    assert response.status_code == 302
    assert DepartmentRequest.objects.count() == 0


def test_a_request_without_its_department_is_refused_at_the_field(world, login, member):
    client = login(world.beat_officer)
    response = client.post(
        CREATE,
        post_data(member, community(world.station_a), **{"requests-0-text": "街灯をつけてほしい"}),
    )
    assert response.status_code == 200
    assert "要望を受けた課を選んでください" in field_error(response, name="requests-0-department")
    assert not Exchange.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("minutes", "0", "1分から480分まで"),
        ("minutes", "481", "1分から480分まで"),
        ("held_on", "tomorrow", "今日より後の日は入力できません"),
        ("heard", "", "いずれかを入力してください"),
    ],
)
def test_bad_input_comes_back_at_its_field(world, login, member, field, value, message):
    if value == "tomorrow":
        value = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    client = login(world.beat_officer)
    response = client.post(CREATE, post_data(member, community(world.station_a), **{field: value}))
    assert response.status_code == 200
    assert message in field_error(response, name=field)
    assert not Exchange.objects.exists()


def test_a_department_of_another_station_is_refused(world, login, member):
    client = login(world.staff)
    response = client.post(CREATE, post_data(member, community(world.station_b)))
    assert response.status_code == 200
    assert "一覧から選んでください" in field_error(response, name="department")


def test_a_member_of_another_station_cannot_be_chosen(world, login):
    other = make_member(world.station_b, world.other_officer, "北村 二郎", "キタムラ ジロウ")
    client = login(world.beat_officer)
    form = client.get(CREATE)
    assert "北村 二郎" not in text(form)
    response = client.post(CREATE, post_data(other, community(world.station_a)))
    assert "連絡員を一覧から選んでください" in field_error(response, name="member")
    assert not Exchange.objects.exists()


def test_a_candidate_is_not_offered(world, login):
    make_member(
        world.station_a, world.chief, "候補 三郎", "コウホ サブロウ"
    ).__class__.objects.filter(name="候補 三郎").update(status="candidate", consented_on=None)
    page = login(world.beat_officer).get(CREATE)
    assert "候補 三郎" not in text(page)


def test_another_stations_exchange_is_not_found(world, login):
    other = make_member(world.station_b, world.other_officer, "北村 二郎", "キタムラ ジロウ")
    exchange = make_exchange(world.other_officer, other)
    url = reverse("network:exchange_detail", kwargs={"pk": exchange.pk})
    assert login(world.beat_officer).get(url).status_code == 404
    assert login(world.other_officer).get(url).status_code == 200


def test_the_list_shows_the_stations_exchanges_and_filters_them(world, login, member, traffic):
    other = make_member(world.station_b, world.other_officer, "北村 二郎", "キタムラ ジロウ")
    make_exchange(world.other_officer, other)
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=3)
    make_exchange(world.beat_officer, member, occasion="phone", held_on=last_month)
    make_exchange(world.staff, member, department=traffic, occasion="visit")
    client = login(world.supervisor)
    page = client.get("/network/exchanges/")
    assert "2件" in text(page)
    assert "北村 二郎" not in text(page)
    table_rows = rows(soup(page).find("table"))[1:]
    assert [r[3] for r in table_rows] == ["訪問", "電話"]

    by_month = client.get(f"/network/exchanges/?month={last_month:%Y-%m}")
    assert "1件" in text(by_month)
    assert "電話" in text(by_month)
    by_department = client.get(f"/network/exchanges/?department={traffic.pk}")
    assert "1件" in text(by_department) and "訪問" in text(by_department)
    none = client.get("/network/exchanges/?occasion=at_station")
    assert "該当する情報交換はありません" in text(none)


def test_a_bad_month_is_said_at_the_filter(world, login, member):
    make_exchange(world.beat_officer, member)
    page = login(world.beat_officer).get("/network/exchanges/?month=13月")
    assert "月は「2026-04」のように、西暦4桁と月で入力してください。" in text(page)
    assert "1件" in text(page)


def test_people_outside_the_stations_get_no_list(world, login):
    assert login(world.overall_manager).get("/network/exchanges/").status_code == 403
