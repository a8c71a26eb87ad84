"""進捗管理: the entry page. One station → its page; several (HQ) → side by side."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.html import stat

from .helpers import row_cells, section, text

pytestmark = pytest.mark.django_db

HOME = reverse("liaison:progress_home")


@pytest.mark.parametrize("persona", ["chief", "station_manager"])
def test_a_reviewer_of_one_station_goes_to_its_page(world, login, persona):
    response = login(getattr(world, persona)).get(HOME + "?month=2026-10")
    assert response.status_code == 302
    station_url = reverse("liaison:station_progress", kwargs={"pk": world.station_a.pk})
    assert response["Location"] == f"{station_url}?month=2026-10"


def test_hq_sees_every_station_side_by_side_with_totals(world, login, figures):
    response = login(world.overall_manager).get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    # to visit, visited, coverage, due, overdue, visits, night, dedicated, follow-ups open
    assert row_cells(html, "中央警察署") == ["7", "3", "42.9%", "4", "4", "3", "1", "1", "1"]
    assert row_cells(html, "北警察署") == ["1", "1", "100.0%", "0", "0", "1", "0", "0", "0"]
    assert row_cells(html, "合計") == ["8", "4", "50.0%", "4", "4", "4", "1", "1", "1"]
    for station in (world.station_a, world.station_b):
        assert reverse("liaison:station_progress", kwargs={"pk": station.pk}) in html
    figures = section(html, "totals-title")
    totals = text(figures)
    assert "全署の合計（2署）" in totals
    assert stat(figures, "実施率") == "50.0%"


def test_hq_trend_adds_up_the_stations(world, login, figures):
    html = login(world.overall_manager).get(HOME).content.decode()
    trend = section(html, "trend-title")
    assert row_cells(trend, "2026年11月") == ["4件", "1件"]


def test_hq_can_look_at_another_month(world, login, figures):
    html = login(world.overall_manager).get(HOME + "?month=2026-10").content.decode()
    assert "署別・2026年10月" in html
    assert row_cells(html, "中央警察署")[5] == "1"
    assert row_cells(html, "北警察署")[5] == "0"


@pytest.mark.parametrize("bad", ["2026-00", "x", "2026/11", "20261"])
def test_an_invalid_month_is_this_month_with_a_message(world, login, figures, bad):
    response = login(world.overall_manager).get(HOME, {"month": bad})
    assert response.status_code == 200
    html = response.content.decode()
    assert "正しくないため、2026年11月を表示しています" in html
    assert "署別・2026年11月" in html


@pytest.mark.parametrize(
    "persona", ["beat_officer", "supervisor", "staff", "auditor", "other_officer", "no_role"]
)
def test_anyone_who_reviews_no_station_gets_403(world, login, persona):
    assert login(getattr(world, persona)).get(HOME).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_only_get(world, login):
    assert login(world.chief).post(HOME).status_code == 405
