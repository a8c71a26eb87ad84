"""巡回連絡専従日 (要領 第3-2(2)): the 地域課長等 or 署長 sets days on which an officer does only
巡回連絡; visits on those days are counted apart, and removing one asks first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from liaison.planning.models import DedicatedDay
from liaison.visits.models import Visit

from .conftest import DAY, household, person, visit

pytestmark = pytest.mark.django_db


def url(station, month: str | None = None) -> str:
    base = reverse("liaison:dedicated_days", kwargs={"pk": station.pk})
    return f"{base}?month={month}" if month else base


def delete_url(day) -> str:
    return reverse("liaison:dedicated_day_delete", kwargs={"pk": day.pk})


def add(client, world, date=DAY, officer=None):
    officer = officer or world.beat_officer
    return client.post(url(world.station_a), {"officer": officer.pk, "date": date.isoformat()})


@pytest.mark.parametrize("persona", ["chief", "station_manager"])
def test_the_station_sets_a_dedicated_day(world, login, persona):
    client = login(getattr(world, persona))
    response = add(client, world)
    assert response.status_code == 302
    assert response["Location"] == url(world.station_a, "2026-11")
    day = DedicatedDay.objects.get()
    assert (day.officer, day.date, day.station) == (world.beat_officer, DAY, world.station_a)
    assert day.set_by == getattr(world, persona)

    html = client.get(response["Location"]).content.decode()
    assert "beat_officer 職員さんの専従日に2026年11月30日を設定しました。" in html
    assert "2026年11月の専従日（1日分）" in html
    assert f'href="{delete_url(day)}"' in html
    assert "11月30日" in html  # in the officer's row


def test_the_page_lists_the_officers_and_the_month(world, login):
    client = login(world.chief)
    html = client.get(url(world.station_a)).content.decode()
    assert "2026年11月の専従日（0日分）" in html
    assert "beat_officer 職員（100001）" in html
    assert "other_officer" not in html  # another station's officer
    assert "前の月（2026年10月）" in html
    assert "次の月（2026年12月）" in html
    assert 'value="2026-11-30"' in html  # today, ready to add

    html = client.get(url(world.station_a, "2026-12")).content.decode()
    assert "2026年12月の専従日" in html

    html = client.get(url(world.station_a, "13-2026")).content.decode()
    assert "月の指定が正しくないため、今月を表示しています" in html
    assert "2026年11月の専従日" in html


def test_a_day_already_set_is_refused_at_the_field(world, login):
    client = login(world.chief)
    add(client, world)
    response = add(client, world)
    assert response.status_code == 200
    html = response.content.decode()
    assert "この日はすでに専従日です。" in html
    assert 'id="id_date_error"' in html
    assert DedicatedDay.objects.count() == 1


def test_only_officers_of_the_station_may_be_chosen(world, login):
    response = add(login(world.chief), world, officer=world.other_officer)
    assert response.status_code == 200
    assert "この警察署の受持警察官を選んでください" in response.content.decode()
    response = login(world.chief).post(url(world.station_a), {"officer": "", "date": "x"})
    html = response.content.decode()
    assert "受持警察官を選んでください" in html
    assert "日付を正しく入力してください" in html
    assert not DedicatedDay.objects.exists()


def test_visits_on_a_dedicated_day_are_marked(world, login, afternoon):
    card = household(world, "1-1")
    other = household(world, "2-2")
    before = visit(world.beat_officer, other, days_ago=1)
    add(login(world.chief), world, date=DAY)
    add(login(world.chief), world, date=DAY - dt.timedelta(days=1))

    on_the_day = visit(world.beat_officer, card)
    assert on_the_day.on_dedicated_day is True
    # A visit recorded before the day was set counts once it is set.
    before.refresh_from_db()
    assert before.on_dedicated_day is True

    afternoon.shift(dt.timedelta(days=1))
    next_day = visit(world.beat_officer, other, days_ago=-1)
    assert next_day.on_dedicated_day is False


def test_removing_a_day_asks_first_and_then_unmarks_its_visits(world, login):
    card = household(world, "1-1")
    client = login(world.chief)
    add(client, world)
    recorded = visit(world.beat_officer, card)
    assert recorded.on_dedicated_day is True
    day = DedicatedDay.objects.get()

    response = client.get(delete_url(day))
    assert response.status_code == 200
    html = response.content.decode()
    assert "この専従日を取り消します" in html
    assert "2026年11月30日" in html
    assert "取り消す</button>" in html
    assert DedicatedDay.objects.exists()  # asking changed nothing

    response = client.post(delete_url(day))
    assert response.status_code == 302
    assert response["Location"] == url(world.station_a, "2026-11")
    assert not DedicatedDay.objects.exists()
    assert Visit.objects.get(pk=recorded.pk).on_dedicated_day is False
    html = client.get(response["Location"]).content.decode()
    assert "専従日（2026年11月30日）を取り消しました" in html


def test_hq_reviews_every_station_but_sets_no_days(world, login):
    add(login(world.chief), world)
    day = DedicatedDay.objects.get()
    client = login(world.overall_manager)
    assert client.get(url(world.station_a)).status_code == 403
    assert add(client, world, date=DAY - dt.timedelta(days=2)).status_code == 403
    assert client.get(delete_url(day)).status_code == 403
    assert client.post(delete_url(day)).status_code == 403
    assert DedicatedDay.objects.count() == 1


@pytest.mark.parametrize("persona", ["beat_officer", "supervisor", "staff", "other_officer"])
def test_others_do_not_reach_a_stations_days(world, login, persona):
    add(login(world.chief), world)
    day = DedicatedDay.objects.get()
    client = login(getattr(world, persona))
    assert client.get(url(world.station_a)).status_code == 404
    assert add(client, world, date=DAY - dt.timedelta(days=2)).status_code == 404
    assert client.get(delete_url(day)).status_code == 404
    assert client.post(delete_url(day)).status_code == 404
    assert DedicatedDay.objects.count() == 1


def test_another_stations_chief_gets_404(world, login):
    add(login(world.chief), world)
    day = DedicatedDay.objects.get()
    north = person(world, "北 地域課長", Role.CHIEF, world.station_b)
    client = login(north)
    assert client.get(url(world.station_a)).status_code == 404
    assert client.post(delete_url(day)).status_code == 404
    assert client.get(url(world.station_b)).status_code == 200
    assert DedicatedDay.objects.count() == 1


def test_the_menu_entry_leads_to_his_station(world, login):
    response = login(world.chief).get(reverse("liaison:dedicated_days_mine"))
    assert response.status_code == 302
    assert response["Location"] == url(world.station_a)
    assert login(world.beat_officer).get(reverse("liaison:dedicated_days_mine")).status_code == 403
    assert (
        login(world.overall_manager).get(reverse("liaison:dedicated_days_mine")).status_code == 403
    )


def test_the_calendar_shows_each_officer_on_his_days(world, login):
    client = login(world.chief)
    add(client, world, date=dt.date(2026, 11, 2))
    add(client, world, date=dt.date(2026, 11, 16))
    html = client.get(url(world.station_a, "2026-11")).content.decode()
    assert "2026年11月の専従日（2日分）" in html
    assert "11月2日、11月16日" in html
    assert "（beat_officer 職員 11月2日（月））" in html
