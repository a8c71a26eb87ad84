"""評価の参考: an officer's figures over a period, with his plans, for the reviewers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from liaison.planning import services
from tests.html import stat

from .conftest import TODAY
from .helpers import row_cells, section, text

pytestmark = pytest.mark.django_db


def url(station, officer, **period) -> str:
    base = reverse("liaison:officer_figures", kwargs={"pk": station.pk, "user_pk": officer.pk})
    if period:
        base += "?" + "&".join(f"{k}={v}" for k, v in period.items())
    return base


def plan(world, month, households):
    services.monthly_plan_set(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        month=month,
        planned_households=households,
    )


def test_the_last_six_months_by_default(world, login, figures):
    plan(world, TODAY, 20)
    plan(world, dt.date(2026, 10, 1), 10)
    response = login(world.chief).get(url(world.station_a, world.beat_officer))
    assert response.status_code == 200
    html = response.content.decode()
    figures = section(html, "officer-totals")
    totals = text(figures)
    assert "2026年6月1日から2026年11月20日まで" in totals
    # July 1, October 15, November 10, 11 (absent), 12 (night)
    assert stat(figures, "巡回連絡") == "5"
    assert stat(figures, "うち夜間") == "1"
    assert stat(figures, "うち専従日") == "1"
    # Raised on October 15 (done since) and November 10 (still open).
    assert stat(figures, "対応を要する事項（期間中）") == "2"
    assert stat(figures, "未了の対応（本日現在）") == "1"
    assert stat(figures, "計画戸数の合計（2か月分）") == "30"
    months = section(html, "officer-months")
    assert row_cells(months, "2026年6月") == ["未設定", "", "0件", "0件"]
    assert row_cells(months, "2026年7月") == ["未設定", "", "1件", "1件"]
    assert row_cells(months, "2026年10月") == ["10戸", "", "1件", "1件"]
    assert row_cells(months, "2026年11月") == ["20戸", "", "3件", "2件"]


def test_a_chosen_period(world, login, figures):
    html = (
        login(world.station_manager)
        .get(url(world.station_a, world.beat_officer, **{"from": "2026-10-01", "to": "2026-11-10"}))
        .content.decode()
    )
    figures = section(html, "officer-totals")
    totals = text(figures)
    assert "2026年10月1日から2026年11月10日まで" in totals
    assert stat(figures, "巡回連絡") == "2"
    assert stat(figures, "うち夜間") == "0"
    assert stat(figures, "うち専従日") == "1"
    assert "2026年7月" not in text(section(html, "officer-months"))


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"from": "2026-11-10", "to": "2026-10-01"}, "終了日は開始日と同じ日か"),
        ({"from": "2026-02-30"}, "日付は「2026-04-01」のように入力してください。"),
        ({"to": "abc"}, "日付は「2026-04-01」のように入力してください。"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "期間は3年以内にしてください。"),
        ({"from": "1999-12-31"}, "2000年から2100年までの日付を入力してください。"),
        ({"to": "9999-12-31"}, "日付は1900年1月1日から2100年12月31日までの間で入力してください。"),
    ],
)
def test_invalid_dates_are_form_errors(world, login, figures, period, message):
    response = login(world.chief).get(url(world.station_a, world.beat_officer, **period))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "実績を表示できません" in html
    assert 'id="officer-totals"' not in html


def test_hq_sees_an_officer_of_station_b(world, login, figures):
    response = login(world.overall_manager).get(url(world.station_b, world.other_officer))
    assert response.status_code == 200
    assert stat(section(response, "officer-totals"), "巡回連絡") == "1"


def test_an_officer_not_of_this_station_is_404(world, login, figures):
    client = login(world.chief)
    assert client.get(url(world.station_a, world.other_officer)).status_code == 404
    assert client.get(url(world.station_a, world.chief)).status_code == 404
    assert client.get(url(world.station_b, world.other_officer)).status_code == 404


@pytest.mark.parametrize("persona", ["supervisor", "staff", "no_role", "other_officer"])
def test_only_reviewers_and_the_officer_himself_see_it(world, login, figures, persona):
    response = login(getattr(world, persona)).get(url(world.station_a, world.beat_officer))
    assert response.status_code == 404


def test_the_officer_reads_his_own_page(world, login, figures):
    # 要領 第3-2(4): the guidance and evaluation written to him are on it.
    response = login(world.beat_officer).get(url(world.station_a, world.beat_officer))
    assert response.status_code == 200
    assert "指導・評価の記録" in response.content.decode()
