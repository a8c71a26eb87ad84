"""月間計画: the station's managers set anyone's plan; a beat officer sets his own only;
HQ reads; mistakes are said at the field, in Japanese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from liaison.planning.models import MonthlyPlan
from tests.html import field_error

from .conftest import second_officer
from .helpers import row_cells, text

pytestmark = pytest.mark.django_db

NOVEMBER = dt.date(2026, 11, 1)


def url(station, month: str | None = None) -> str:
    base = reverse("liaison:monthly_plans", kwargs={"pk": station.pk})
    return f"{base}?month={month}" if month else base


def plan_data(person, **extra) -> dict:
    return {
        "officer": person.pk,
        "month": "2026-11",
        "planned_households": "30",
        "areas": "笠原町1丁目",
        "note": "高齢者世帯を優先",
        **extra,
    }


@pytest.fixture
def second(world):
    return second_officer(world)


@pytest.mark.parametrize("persona", ["chief", "station_manager"])
def test_the_station_managers_set_any_officers_plan(world, login, second, persona):
    client = login(getattr(world, persona))
    html = client.get(url(world.station_a)).content.decode()
    assert "beat_officer 職員" in html and "second 職員" in html
    assert "この署の受持警察官の計画を設定・変更できます" in html
    assert (
        f"{reverse('liaison:station_progress', kwargs={'pk': world.station_a.pk})}?month=2026-11"
        in html
    )
    response = client.post(url(world.station_a), plan_data(second))
    assert response.status_code == 302
    assert response["Location"] == url(world.station_a, "2026-11")
    plan = MonthlyPlan.objects.get(officer=second, month=NOVEMBER)
    assert (plan.planned_households, plan.areas, plan.set_by) == (
        30,
        "笠原町1丁目",
        getattr(world, persona),
    )
    html = client.get(response["Location"]).content.decode()
    assert "second 職員の2026年11月の計画を保存しました" in html
    assert row_cells(html, "second 職員")[:2] == ["30戸", "笠原町1丁目"]


def test_a_plan_is_changed_not_duplicated(world, login, second):
    client = login(world.chief)
    client.post(url(world.station_a), plan_data(second))
    client.post(url(world.station_a), plan_data(second, planned_households="45", areas=""))
    plan = MonthlyPlan.objects.get(officer=second)
    assert (plan.planned_households, plan.areas) == (45, "")


def test_the_form_is_filled_with_the_chosen_officers_plan(world, login, second):
    client = login(world.chief)
    client.post(url(world.station_a), plan_data(second, planned_households="12"))
    html = client.get(url(world.station_a, "2026-11") + f"&officer={second.pk}").content.decode()
    assert 'name="planned_households" value="12"' in html
    assert f'<option value="{second.pk}" selected>' in html


def test_the_officer_sees_and_sets_his_own_plan_only(world, login, second):
    client = login(world.beat_officer)
    html = client.get(url(world.station_a)).content.decode()
    assert "beat_officer 職員" in html
    assert "second 職員" not in html
    assert "自分の2026年11月の計画" in html
    # No link to the station's figures, which are not his to see.
    station_page = reverse("liaison:station_progress", kwargs={"pk": world.station_a.pk})
    assert f'href="{station_page}"' not in html
    assert f'href="{station_page}?' not in html
    response = client.post(url(world.station_a), plan_data(world.beat_officer))
    assert response.status_code == 302
    plan = MonthlyPlan.objects.get(officer=world.beat_officer)
    assert plan.set_by == world.beat_officer


def test_the_officer_reaches_his_plan_from_the_menu(world, login):
    client = login(world.beat_officer)
    home = client.get(reverse("accounts:home")).content.decode()
    assert reverse("liaison:my_plans") in home
    response = client.get(reverse("liaison:my_plans"))
    assert response.status_code == 302
    assert response["Location"] == url(world.station_a)


def test_the_officer_may_not_set_anothers_plan(world, login, second):
    response = login(world.beat_officer).post(url(world.station_a), plan_data(second))
    assert response.status_code == 403
    assert not MonthlyPlan.objects.exists()


def test_hq_reads_the_plans_but_sets_none(world, login, second):
    client = login(world.overall_manager)
    html = client.get(url(world.station_a)).content.decode()
    assert "second 職員" in html
    assert 'name="planned_households"' not in html
    assert "計画を閲覧できます" in html
    response = client.post(url(world.station_a), plan_data(second))
    assert response.status_code == 403
    assert not MonthlyPlan.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("planned_households", "-1", "計画戸数は0以上の整数で入力してください。"),
        ("planned_households", "1.5", "計画戸数は0以上の整数で入力してください。"),
        ("planned_households", "abc", "計画戸数は0以上の整数で入力してください。"),
        ("planned_households", "", "計画戸数を入力してください。"),
        ("month", "2026-13", "月は「2026-04」のように、西暦4桁と月で入力してください。"),
        ("month", "", "月を入力してください。"),
        ("areas", "あ" * 201, "重点地域は200字以内で入力してください。"),
    ],
)
def test_mistakes_are_said_at_the_field(world, login, second, field, value, message):
    response = login(world.chief).post(url(world.station_a), plan_data(second, **{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert field_error(html, name=field) == f"エラー：{message}"
    assert 'aria-invalid="true"' in html
    assert not MonthlyPlan.objects.exists()


def test_an_unknown_officer_is_a_form_error(world, login, second):
    response = login(world.chief).post(
        url(world.station_a), plan_data(second, officer=world.other_officer.pk)
    )
    assert response.status_code == 200
    assert "受持警察官を一覧から選んでください。" in response.content.decode()


def test_plans_are_per_month(world, login, second):
    client = login(world.chief)
    client.post(url(world.station_a), plan_data(second, month="2026-12", planned_households="8"))
    november = text(client.get(url(world.station_a, "2026-11")).content.decode())
    december = client.get(url(world.station_a, "2026-12")).content.decode()
    assert "8戸" not in november
    assert row_cells(december, "second 職員")[0] == "8戸"


def test_dedicated_days_of_the_month_are_listed(world, login, second):
    from liaison.planning import services

    services.dedicated_day_set(
        actor=world.chief, station=world.station_a, officer=second, date=dt.date(2026, 11, 24)
    )
    html = login(world.chief).get(url(world.station_a, "2026-11")).content.decode()
    assert "2026年11月24日" in row_cells(html, "second 職員")[3]


@pytest.mark.parametrize("persona", ["supervisor", "staff", "auditor", "other_officer", "no_role"])
def test_others_get_404(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(url(world.station_a)).status_code == 404
    assert client.post(url(world.station_a), plan_data(world.beat_officer)).status_code == 404


def test_the_chief_gets_404_on_station_b(world, login):
    client = login(world.chief)
    assert client.get(url(world.station_b)).status_code == 404
    assert client.post(url(world.station_b), plan_data(world.other_officer)).status_code == 404
    assert not MonthlyPlan.objects.exists()


def test_an_invalid_month_in_the_address_is_this_month(world, login):
    html = login(world.chief).get(url(world.station_a, "2026-99")).content.decode()
    assert "正しくないため、2026年11月を表示しています" in html
