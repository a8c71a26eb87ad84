"""A night visit in real browsers: the beat officer asks for approval, the 地域課長 sees the
request on his home page in his own browser and approves it; the officer then records a
visit at 19:00, which is accepted, and one that ends at 20:20, past 20:00 and its 15 minutes
of tolerance: it asks for the reason at the field, keeps what he typed, and with the reason
it is recorded as outside the hours, for the 地域課長 to acknowledge from his home page.
axe-core finds nothing on the way.

The day is fixed at 20:30 Tokyo with time_machine (the live server runs in this process, so
it sees the same clock); the visit times are typed, as the officer would after his round.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Notice
from liaison.night.models import NightVisitRequest
from liaison.visits.models import Visit, VisitOutcome
from tests.conftest import build_world
from tests.e2e.conftest import axe_violations, describe_violations, sign_in
from tests.liaison.conftest import make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
TABLET = {"width": 1024, "height": 1366}


def _panel(page, title: str):
    return page.locator("section.panel", has=page.locator("h2", has_text=title))


def _open_form(page) -> None:
    page.click("text=巡回連絡を記録")
    page.wait_for_url(re.compile(r"/visits/new/$"))


def _record(page, start: str, end: str) -> None:
    page.fill("#id_started_at", start)
    page.fill("#id_ended_at", end)
    page.get_by_label("面接", exact=True).check()
    # 要領 第5-4 (1), in its own words: given as 指導連絡.
    page.locator("#field-topic_trends").get_by_label("指導連絡", exact=True).check()
    page.fill("#id_concerns", "帰宅が遅く日中は会えない")
    page.click("button:has-text('記録する')")


def test_an_approved_night_visit_is_kept_and_a_late_one_refused(new_context, live_server):
    # The real clock only picks a day ahead, so that cookies set by the server stay valid.
    day = timezone.localdate() + dt.timedelta(days=2)
    evening = dt.datetime.combine(day, dt.time(20, 30), tzinfo=TOKYO)
    found: dict[str, list] = {}
    with time_machine.travel(evening, tick=True):
        world = build_world()
        officer = world.beat_officer
        card = make_household(officer, world.beat_a1_1)
        card_url = live_server.url + reverse("liaison:card_detail", kwargs={"pk": card.pk})

        # 1. The officer asks for approval from the menu, on his tablet.
        officer_context = new_context(viewport=TABLET)
        sign_in(officer_context, live_server, officer)
        page = officer_context.new_page()
        page.goto(live_server.url + reverse("accounts:home"))
        page.click("nav >> text=夜間巡回連絡")
        page.wait_for_url(re.compile(r"/liaison/night/$"))
        found["夜間巡回連絡の一覧"] = axe_violations(page, live_server)
        page.click("text=夜間巡回連絡の承認を申請")
        page.wait_for_url(re.compile(r"/liaison/night/new/$"))
        found["承認の申請"] = axe_violations(page, live_server)
        expect(page.locator("#id_date")).to_have_value(day.isoformat())
        page.fill("#id_planned_start", "18:30")
        page.fill("#id_reason", "日中不在の世帯を訪問するため")
        page.click("button:has-text('申請する')")
        page.wait_for_url(re.compile(r"/liaison/night/\d+/$"))
        expect(page.locator("main")).to_contain_text("承認を申請しました")
        night = NightVisitRequest.objects.get()
        assert night.status == NightVisitRequest.Status.PENDING
        found["申請の内容（申請者）"] = axe_violations(page, live_server)
        page.click("button:has-text('申請を取り下げる')")  # the confirmation only
        page.wait_for_selector("text=やめる（戻る）")
        found["取下げの確認"] = axe_violations(page, live_server)
        page.click("text=やめる（戻る）")
        page.wait_for_url(re.compile(rf"/liaison/night/{night.pk}/$"))

        # 2. The 地域課長 sees it on his home page, in his own browser, and approves it.
        chief_context = new_context(viewport={"width": 1280, "height": 900})
        sign_in(chief_context, live_server, world.chief)
        chief = chief_context.new_page()
        chief.goto(live_server.url + reverse("accounts:home"))
        waiting = _panel(chief, "夜間巡回連絡の承認待ち")
        expect(waiting).to_contain_text(officer.full_name)
        expect(waiting).to_contain_text("18:30〜20:00")
        found["ホーム（地域課長）"] = axe_violations(chief, live_server)
        waiting.locator("a").first.click()
        chief.wait_for_url(re.compile(rf"/liaison/night/{night.pk}/$"))
        found["申請の内容（決裁者）"] = axe_violations(chief, live_server)
        chief.fill("#id_comment", "2人で行うこと")
        chief.click("button:has-text('承認する')")
        expect(chief.locator("main")).to_contain_text("の申請を承認しました")
        expect(chief.locator("main")).to_contain_text("2人で行うこと")
        night.refresh_from_db()
        assert night.status == NightVisitRequest.Status.APPROVED
        assert night.decided_by == world.chief
        assert Notice.objects.filter(recipient=officer, title__endswith="承認されました").exists()

        # 3. The officer records a visit at 19:00: accepted, under the approval.
        page.goto(card_url)
        _open_form(page)
        found["巡回連絡の記録"] = axe_violations(page, live_server)
        _record(page, "19:00", "19:15")
        page.wait_for_url(card_url)
        expect(page.locator("main")).to_contain_text("（面接、19:00〜19:15）を記録しました")
        visit = Visit.objects.get()
        assert visit.night_request == night and visit.outcome == VisitOutcome.MET

        # 4. One that ends at 20:20: its reason is asked at the field, what he typed kept.
        _open_form(page)
        _record(page, "20:05", "20:20")
        error = page.locator("#field-outside_hours_reason .field__error")
        expect(error).to_contain_text("午後8時15分を過ぎて終了")
        assert page.locator("#id_outside_hours_reason").get_attribute("aria-invalid") == "true"
        expect(page.locator("#id_concerns")).to_have_value("帰宅が遅く日中は会えない")
        expect(page.get_by_label("面接", exact=True)).to_be_checked()
        expect(
            page.locator("#field-topic_trends").get_by_label("指導連絡", exact=True)
        ).to_be_checked()
        # The script of the form ran under the Content Security Policy.
        expect(page.locator("[data-now-for]")).to_be_visible()
        found["巡回連絡の記録（エラー）"] = axe_violations(page, live_server)
        assert Visit.objects.count() == 1
        page.fill("#id_outside_hours_reason", "帰宅を待っていたため")
        page.click("button:has-text('記録する')")
        page.wait_for_url(card_url)
        late = Visit.objects.latest("pk")
        assert late.outside_hours and late.night_request == night

        # The 地域課長 acknowledges it from his home page.
        chief.goto(live_server.url + reverse("accounts:home"))
        outside = _panel(chief, "時間外の巡回連絡（確認待ち）")
        expect(outside).to_contain_text(officer.full_name)
        outside.locator("text=時間外の巡回連絡を確認する").click()
        chief.wait_for_url(re.compile(r"/liaison/visits/outside-hours/$"))
        expect(chief.locator("main")).to_contain_text("帰宅を待っていたため")
        found["時間外の巡回連絡"] = axe_violations(chief, live_server)
        chief.click("button:has-text('確認した')")
        expect(chief.locator("main")).to_contain_text("を確認しました")
        late.refresh_from_db()
        assert late.hours_acknowledged_by == world.chief

        # 5. The officer's home page told him of the decision.
        page.goto(live_server.url + reverse("accounts:home"))
        expect(_panel(page, "お知らせ")).to_contain_text("承認されました")

    assert not any(found.values()), "\n" + describe_violations(found)
