"""The station page of the 地域課長等 and the 署長: figures per beat and per officer, the
policy in force, the trend, and who may open it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from liaison.filing import services as filing_services
from liaison.planning import services as planning_services
from liaison.visits import services as visits_services
from tests.html import by_role, name_of
from tests.liaison.conftest import make_household

from .conftest import MADE_AT, TODAY, set_policy, visit
from .helpers import row_cells, section, text

pytestmark = pytest.mark.django_db


def url(station, month: str | None = None) -> str:
    base = reverse("liaison:station_progress", kwargs={"pk": station.pk})
    return f"{base}?month={month}" if month else base


def page(login, user, station, month=None) -> str:
    response = login(user).get(url(station, month))
    assert response.status_code == 200
    return response.content.decode()


def test_figures_per_beat_follow_the_policy(world, login, figures):
    html = page(login, world.chief, world.station_a)
    # post, to visit, visited, coverage, due, overdue, visits, night, dedicated, follow-ups open
    assert row_cells(html, "第1受持区") == [
        "駅前交番", "6", "3", "50.0%", "3", "3", "3", "1", "1", "1",
    ]  # fmt: skip
    assert row_cells(html, "第2受持区") == [
        "駅前交番", "1", "0", "0.0%", "1", "1", "0", "0", "0", "0",
    ]  # fmt: skip
    assert row_cells(html, "山田受持区") == [
        "山田駐在所", "0", "0", "0.0%", "0", "0", "0", "0", "0", "0",
    ]  # fmt: skip
    assert row_cells(html, "合計") == ["7", "3", "42.9%", "4", "4", "3", "1", "1", "1"]


def test_each_overdue_count_links_to_its_drill_down(world, login, figures):
    html = page(login, world.chief, world.station_a)
    for beat in (world.beat_a1_1, world.beat_a1_2):
        assert reverse("liaison:overdue_cards", kwargs={"pk": beat.pk}) in html
    # No link where nothing is overdue.
    assert reverse("liaison:overdue_cards", kwargs={"pk": world.beat_a2_1.pk}) not in html


def test_the_station_of_the_other_officer_is_not_counted(world, login, figures):
    html = page(login, world.chief, world.station_a)
    assert "北口" not in html
    assert "other_officer" not in html


def test_a_business_is_not_counted_when_hq_counts_households_only(world, login, figures):
    set_policy(world, count_businesses=False)
    html = page(login, world.chief, world.station_a)
    # The shop (visited, at night) leaves "to visit" and "visited"; its visit still counts.
    assert row_cells(html, "第1受持区")[:6] == ["駅前交番", "5", "2", "40.0%", "3", "3"]
    assert "数える対象：世帯（廃止したカードは数えません）" in text(html)


def test_the_policy_in_force_is_shown(world, login, figures):
    policy = text(section(page(login, world.chief, world.station_a), "policy-title"))
    assert "通常の周期：365日" in policy
    assert "一人暮らしの高齢者：90日" in policy
    assert "世帯、事業所・官公署" in policy


def test_without_a_policy_the_defaults_are_used_and_said(world, login, household):
    html = text(page(login, world.chief, world.station_a))
    assert "通常の周期：365日" in html
    assert "既定値で集計しています" in html


def test_a_shorter_cycle_for_care_points_makes_a_card_overdue(world, login, figures):
    # Without the 90-day cycle, the elderly household met on 1 July is within 365 days.
    set_policy(world, elderly_alone_cycle_days=None)
    html = page(login, world.chief, world.station_a)
    assert row_cells(html, "第1受持区")[1:6] == ["6", "4", "66.7%", "2", "2"]


def test_per_officer_plan_next_to_the_result(world, login, figures):
    planning_services.monthly_plan_set(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        month=TODAY,
        planned_households=40,
        areas="笠原町1丁目",
    )
    html = page(login, world.chief, world.station_a)
    # planned, areas, dedicated days, then the figures of his beat and his visits
    assert row_cells(html, "beat_officer 職員") == [
        "40", "笠原町1丁目", "1日", "6", "3", "50.0%", "3", "3", "3", "1", "1", "1",
    ]  # fmt: skip
    assert (
        reverse(
            "liaison:officer_figures",
            kwargs={"pk": world.station_a.pk, "user_pk": world.beat_officer.pk},
        )
        in html
    )


def test_last_month_shows_last_months_visits(world, login, figures):
    html = page(login, world.chief, world.station_a, "2026-10")
    assert "2026年10月" in html
    # One visit in October (care_recent); coverage is still as of today.
    assert row_cells(html, "第1受持区") == [
        "駅前交番", "6", "3", "50.0%", "3", "3", "1", "0", "0", "1",
    ]  # fmt: skip


def test_the_trend_shows_twelve_months_in_a_chart_and_a_table(world, login, figures):
    html = page(login, world.chief, world.station_a)
    trend = section(html, "trend-title")
    assert "2025年12月から2026年11月まで" in text(trend)
    chart = by_role(trend, "img")  # an SVG with a title and a description for screen readers
    assert chart.name == "svg" and "月別の巡回連絡の件数と夜間の件数" in name_of(chart)
    bars = [t for t in chart.find_all("title") if " 巡回連絡 " in text(t)]
    assert len(bars) == 12
    assert row_cells(trend, "2026年11月") == ["3件", "1件"]
    assert row_cells(trend, "2026年10月") == ["1件", "0件"]
    assert row_cells(trend, "2026年7月") == ["1件", "0件"]
    assert row_cells(trend, "2025年12月") == ["0件", "0件"]
    # Nothing inline: the page passes a strict CSP.
    assert "style=" not in html


def test_an_invalid_month_shows_this_month_with_a_message(world, login, figures):
    for bad in ("2026-13", "abc", "26-1", "9999-99"):
        html = page(login, world.chief, world.station_a, bad)
        assert "正しくないため、2026年11月を表示しています" in html
        assert row_cells(html, "合計")[5] == "3"


def test_a_page_of_figures_records_no_access_event(world, login, figures):
    client = login(world.chief)
    client.get(url(world.station_a))  # the first request stamps the session
    before = AccessEvent.objects.count()
    assert client.get(url(world.station_a)).status_code == 200
    assert AccessEvent.objects.count() == before


@pytest.mark.parametrize(
    "persona", ["chief", "station_manager", "overall_manager", "regional_director"]
)
def test_reviewers_of_the_station_open_it(world, login, figures, persona):
    assert "中央警察署" in page(login, getattr(world, persona), world.station_a)


def test_the_chief_of_station_a_gets_404_on_station_b(world, login, figures):
    assert login(world.chief).get(url(world.station_b)).status_code == 404


@pytest.mark.parametrize("persona", ["beat_officer", "supervisor", "staff", "auditor", "no_role"])
def test_others_get_404(world, login, persona):
    assert login(getattr(world, persona)).get(url(world.station_a)).status_code == 404


def test_closed_cards_are_not_counted(world, login, figures):
    # Reopening is impossible: a second closed card changes nothing.
    card = make_household(world.beat_officer, world.beat_a1_1, banchi="9-9", made_at=MADE_AT)
    filing_services.card_close(
        actor=world.beat_officer,
        card=card,
        version=None,
        reason="moved",
        closed_on=TODAY - dt.timedelta(days=1),
    )
    html = page(login, world.chief, world.station_a)
    assert row_cells(html, "第1受持区")[1] == "6"


def test_a_dedicated_day_set_after_the_visit_counts_it(world, login, figures):
    planning_services.dedicated_day_set(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        date=dt.date(2026, 11, 11),
    )
    html = page(login, world.chief, world.station_a)
    assert row_cells(html, "第1受持区")[8] == "2"
    assert row_cells(html, "beat_officer 職員")[2] == "2日"


def test_a_follow_up_done_is_no_longer_open(world, login, figures):
    visits_services.visit_follow_up_done(actor=world.beat_officer, visit=figures.plain_visit)
    assert row_cells(page(login, world.chief, world.station_a), "第1受持区")[9] == "0"


def test_a_visit_changes_the_figures(world, login, figures):
    visit(world.beat_officer, figures.never, TODAY)
    html = page(login, world.chief, world.station_a)
    assert row_cells(html, "第1受持区") == [
        "駅前交番", "6", "4", "66.7%", "2", "2", "4", "1", "1", "1",
    ]  # fmt: skip


def test_the_regional_director_reads_the_figures_but_no_card_list(world, login, figures):
    """要領 第5-2: the 地域部長 reviews what his policy yields; the cards stay with those who
    keep them (the overdue counts are figures for him, not links to names)."""
    html = page(login, world.regional_director, world.station_a)
    assert row_cells(html, "第1受持区")[1:6] == ["6", "3", "50.0%", "3", "3"]
    assert reverse("liaison:overdue_cards", kwargs={"pk": world.beat_a1_1.pk}) not in html
    overdue = reverse("liaison:overdue_cards", kwargs={"pk": world.beat_a1_1.pk})
    assert login(world.regional_director).get(overdue).status_code == 404
