"""The 地域課長's review in a real browser, on a tablet: from the menu to his station's
figures, down to the overdue cards of a beat, then an officer's plan set with a mistake
corrected at the field. axe-core finds nothing on the way.

The clock is a fixed afternoon (time_machine; the live server runs in this process)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from liaison.planning.models import MonthlyPlan
from liaison.visits import services
from liaison.visits.models import VisitOutcome
from tests.browser import axe_violations, describe_violations, sign_in
from tests.conftest import build_world
from tests.liaison.conftest import make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
TABLET = {"width": 1024, "height": 1366}


def test_the_chief_reviews_his_station_and_sets_a_plan(new_context, live_server):
    # The real clock only picks a day ahead, so that cookies set by the server stay valid.
    day = timezone.localdate() + dt.timedelta(days=2)
    found: dict[str, list] = {}
    with time_machine.travel(dt.datetime.combine(day, dt.time(15, 0), tzinfo=TOKYO), tick=True):
        world = build_world()
        officer = world.beat_officer
        # Made a week before: never visited since, 1-2 is overdue (due the day it was filed).
        made = dt.datetime.combine(day - dt.timedelta(days=7), dt.time(10, 0), tzinfo=TOKYO)
        visited = make_household(officer, world.beat_a1_1, banchi="1-1", made_at=made)
        make_household(officer, world.beat_a1_1, banchi="1-2", made_at=made)
        start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=TOKYO)
        services.visit_record(
            actor=officer,
            card=visited,
            started_at=start,
            ended_at=start + dt.timedelta(minutes=15),
            outcome=VisitOutcome.MET,
        )

        context = new_context(viewport=TABLET)
        sign_in(context, live_server, world.chief)
        page = context.new_page()
        page.goto(live_server.url + reverse("accounts:home"))
        expect(page.locator("main")).to_contain_text("実施率 50.0%")
        found["ホーム"] = axe_violations(page, live_server)

        # 1. 進捗管理 in the menu: his one station's page.
        page.click("nav >> text=進捗管理")
        page.wait_for_url(re.compile(r"/progress/stations/\d+/\?month="))
        expect(page.locator("h1")).to_contain_text("中央警察署")
        expect(page.locator("svg.trend-chart")).to_be_visible()
        found["署の進捗"] = axe_violations(page, live_server)

        # 2. The overdue count of beat A1-1 opens the list of its overdue cards.
        page.get_by_role("link", name=re.compile("期限超過のカード（駅前交番 第1受持区）")).click()
        page.wait_for_url(re.compile(r"/progress/books/\d+/overdue/$"))
        expect(page.locator("main")).to_contain_text("1件")
        expect(page.locator("main")).to_contain_text("笠原町1-2")
        found["期限超過のカード"] = axe_violations(page, live_server)

        # 3. Back to the station, then the plans: a mistake first, said at the field.
        page.click("text=中央警察署の進捗へ戻る")
        page.click("text=月間計画を見る・設定する")
        page.wait_for_url(re.compile(r"/plans/\?month="))
        page.click(f"text=入力（{officer.full_name}）")
        page.fill("#id_planned_households", "-3")
        page.fill("#id_areas", "笠原町1丁目")
        page.click("button:has-text('計画を保存')")
        expect(page.locator("#id_planned_households_error")).to_contain_text("0以上の整数")
        expect(page.locator("#id_planned_households")).to_have_attribute("aria-invalid", "true")
        found["月間計画（誤り）"] = axe_violations(page, live_server)
        page.fill("#id_planned_households", "25")
        page.click("button:has-text('計画を保存')")
        expect(page.locator(".messages")).to_contain_text("計画を保存しました")
        found["月間計画"] = axe_violations(page, live_server)
        plan = MonthlyPlan.objects.get(officer=officer)
        assert (plan.planned_households, plan.areas) == (25, "笠原町1丁目")

        # 4. The officer's figures, from his name on the station page.
        page.click("text=中央警察署の進捗へ戻る")
        page.click(f"text={officer.full_name}")
        page.wait_for_url(re.compile(r"/officers/\d+/$"))
        expect(page.locator("main")).to_contain_text("25戸")
        found["警察官の実績"] = axe_violations(page, live_server)

    assert not any(found.values()), describe_violations(found)
