"""CSV of a station's figures: per beat and per officer, Excel-friendly, logged."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from liaison.planning import services

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def url(station, month="2026-11") -> str:
    base = reverse("liaison:station_progress_export", kwargs={"pk": station.pk})
    return f"{base}?month={month}"


def rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_has_the_figures_per_beat_and_per_officer(world, login, figures):
    services.monthly_plan_set(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        month=TODAY,
        planned_households=40,
        areas="笠原町",
    )
    response = login(world.chief).get(url(world.station_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    table = rows(response)
    assert table[0] == [
        "区分", "交番・駐在所", "受持区・受持警察官", "職員番号", "計画戸数", "対象件数",
        "周期内に実施", "実施率（%）", "要訪問", "期限超過", "当月の巡回連絡", "うち夜間", "うち専従日",
        "未了の対応",
    ]  # fmt: skip
    assert [
        "受持区",
        "駅前交番",
        "第1受持区",
        "",
        "",
        "6",
        "3",
        "50.0",
        "3",
        "3",
        "3",
        "1",
        "1",
        "1",
    ] in table
    assert [
        "受持区",
        "駅前交番",
        "第2受持区",
        "",
        "",
        "1",
        "0",
        "0.0",
        "1",
        "1",
        "0",
        "0",
        "0",
        "0",
    ] in table
    assert ["合計", "", "", "", "40", "7", "3", "42.9", "4", "4", "3", "1", "1", "1"] in table
    officer = world.beat_officer
    assert [
        "受持警察官", "", officer.full_name, officer.employee_number, "40",
        "6", "3", "50.0", "3", "3", "3", "1", "1", "1",
    ] in table  # fmt: skip
    assert len(table) == 1 + 3 + 1 + 1


def test_no_personal_data_of_residents(world, login, figures):
    response = login(world.chief).get(url(world.station_a))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "太郎" not in body
    assert "笠原商店" not in body


def test_last_month(world, login, figures):
    table = rows(login(world.chief).get(url(world.station_a, "2026-10")))
    beat = next(row for row in table if row[2] == "第1受持区")
    assert beat[10] == "1"


def test_the_export_is_recorded(world, login, figures):
    login(world.station_manager).get(url(world.station_a))
    event = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).latest("pk")
    assert event.user == world.station_manager
    assert event.station == world.station_a
    assert "2026年11月" in event.summary


def test_hq_exports_station_b_the_chief_gets_404(world, login, figures):
    assert login(world.overall_manager).get(url(world.station_b)).status_code == 200
    assert login(world.chief).get(url(world.station_b)).status_code == 404
    assert login(world.beat_officer).get(url(world.station_a)).status_code == 404


def test_a_wrong_month_exports_this_month(world, login, figures):
    response = login(world.chief).get(url(world.station_a, "2026-99"))
    assert response.status_code == 200
    assert "202611" in response["Content-Disposition"]
    beat = next(row for row in rows(response) if row[2] == "第1受持区")
    assert beat[10] == "3"


def test_only_get(world, login):
    assert login(world.chief).post(url(world.station_a)).status_code == 405
