"""The inputs that answered 500 when tried as a hostile user would (issue 10, point 10):
each is now a 400 that says what was wrong, or the form again with a Japanese message at
the field. tests/test_hostile_input.py closes the class; these pin the instances."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.inputs import DATE_RANGE_MESSAGE
from accounts.models import Appointment, Role
from liaison.cards.models import CardStatus, LiaisonCard
from tests.factories import UserFactory
from tests.liaison.conftest import make_household
from tests.liaison.views import form_fields, household_post

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_the_people_search_is_a_400_that_says_so(world, login):
    response = login(world.overall_manager).get(reverse("accounts:user_list"), {"q": "\x00nul"})
    assert response.status_code == 400
    assert "NUL文字" in response.content.decode()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("url_name", ["accounts:audit_event_list", "accounts:audit_event_export"])
def test_audit_dates_at_the_edges_are_refused_at_the_field(world, login, day, url_name):
    response = login(world.auditor).get(reverse(url_name), {"start": day, "end": day})
    assert response.status_code in (200, 400)
    assert DATE_RANGE_MESSAGE in response.content.decode()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_persons_timeline_with_a_date_at_the_edge_is_refused(world, login, day):
    url = reverse("accounts:audit_person", kwargs={"pk": world.beat_officer.pk})
    response = login(world.auditor).get(url, {"start": day})
    assert response.status_code in (200, 400)
    assert DATE_RANGE_MESSAGE in response.content.decode()


def test_an_appointment_from_year_one_is_refused(world, login):
    person = UserFactory(employee_number="260777")
    response = login(world.overall_manager).post(
        reverse("accounts:appointment_create", args=[person.pk]),
        {"role": Role.STAFF, "unit": f"station:{world.station_a.pk}", "starts_on": "0001-01-01"},
    )
    assert response.status_code == 200
    assert DATE_RANGE_MESSAGE in response.content.decode()
    assert not Appointment.objects.filter(user=person).exists()


def test_a_card_closed_in_the_year_9999_is_refused(world, login):
    card = make_household(world.beat_officer, world.beat_a1_1)
    url = reverse("liaison:card_close", kwargs={"pk": card.pk})
    client = login(world.beat_officer)
    fields = form_fields(client.get(url).content.decode(), "step-form")
    fields.update(reason="moved", closed_on="9999/12/31")
    response = client.post(url, fields)
    assert response.status_code == 200
    assert DATE_RANGE_MESSAGE in response.content.decode()
    card.refresh_from_db()
    assert card.status == CardStatus.FILED


def test_a_birth_date_in_an_impossible_era_year_is_refused_at_the_field(world, login):
    url = reverse("liaison:book_card_create", kwargs={"pk": world.beat_a1_1.pk})
    members = [
        {"name": "水戸 太郎", "relationship": "head", "birth_date": "令和99999999999年1月1日"}
    ]
    response = login(world.beat_officer).post(
        url + "?kind=household", household_post(members=members)
    )
    assert response.status_code == 200
    assert "生年月日" in response.content.decode() or "日付" in response.content.decode()
    assert not LiaisonCard.objects.exists()


def test_the_prefecture_is_one_of_the_47(world, login):
    url = reverse("liaison:book_card_create", kwargs={"pk": world.beat_a1_1.pk})
    client = login(world.beat_officer)
    form = client.get(url + "?kind=household").content.decode()
    assert '<option value="茨城県">茨城県</option>' in form
    assert form.count('<option value="') >= 47
    response = client.post(url + "?kind=household", household_post(prefecture="いばらき"))
    assert "都道府県を一覧から選んでください。" in response.content.decode()
    assert not LiaisonCard.objects.exists()


@pytest.mark.parametrize("target", ["²", "accounts:home", "//evil.example/", "/\r\nSet-Cookie:x"])
def test_a_next_that_is_not_a_local_path_is_ignored(world, client, target):
    from tests.accounts.test_sign_in import LOGIN_URL, PASSWORD

    response = client.post(
        LOGIN_URL,
        {"username": world.beat_officer.employee_number, "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_day_of_a_night_request_at_the_edge_is_not_a_500(world, login):
    url = reverse("liaison:night_request_create")
    response = login(world.beat_officer).get(url, {"date": "9999-12-31"})
    assert response.status_code < 500
    response = login(world.beat_officer).post(
        url,
        {"date": "9999-12-31", "planned_start": "18:00", "planned_end": "19:00", "reason": "不在"},
    )
    assert response.status_code == 200
    assert DATE_RANGE_MESSAGE in response.content.decode()
