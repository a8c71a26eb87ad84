"""地域安全ネットワーク in real browsers, each person in his own (issue 12): a 生活安全課 officer
reports a candidate he met at a campaign; the 地域課長 finds the candidate on his home page,
records the ask and the consent with its date; she is then in the 連絡員一覧表, counted for
生活安全課; the beat officer records an exchange with her and a request for 交通課; a 交通課
officer finds it in his inbox (課の対応事項), closes it with what was done, and it leaves the
open list. axe-core finds nothing on the way.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts import services
from accounts.models import Department, Role
from network.exchanges.models import Exchange, ExchangeOccasion
from network.members.models import FoundOccasion, LiaisonMember, MemberStatus
from network.requests.models import DepartmentRequest
from tests.conftest import build_world
from tests.e2e.conftest import axe_violations, describe_violations, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 1024, "height": 1366}
NAME, KANA = "佐藤 花子", "サトウ ハナコ"
REQUEST_TEXT = "通学路の交差点で速度取締りをしてほしい"
ACTION_TAKEN = "4月の朝の通学時間帯に交差点で速度取締りを実施し、佐藤さんに電話で伝えた"


def _panel(page, title: str):
    return page.locator("section.panel", has=page.locator("h2", has_text=title))


def _staff(world, number: str, name: str, department: Department):
    """An officer of station A who works in `department` (発令 with the 課)."""
    user = UserFactory(employee_number=number, full_name=name)
    services.appointment_start(
        actor=None,
        user=user,
        role=Role.STAFF,
        unit=world.station_a,
        starts_on=timezone.localdate() - dt.timedelta(days=30),
        department=department,
    )
    return user


def test_a_candidate_becomes_a_member_and_her_request_is_closed_by_traffic(
    new_context, live_server
):
    world = build_world()
    safety = Department.objects.create(
        station=world.station_a, kind=Department.Kind.SAFETY, name="生活安全課"
    )
    traffic = Department.objects.create(
        station=world.station_a, kind=Department.Kind.TRAFFIC, name="交通課"
    )
    safety_officer = _staff(world, "300001", "生活 安全", safety)
    traffic_officer = _staff(world, "300002", "交通 太郎", traffic)
    today = timezone.localdate()
    campaign_day = today - dt.timedelta(days=3)
    consent_day = today - dt.timedelta(days=1)
    due = today + dt.timedelta(days=10)
    found: dict[str, list] = {}

    # 1. The 生活安全課 officer reports the woman he met at a campaign, from the roster.
    safety_context = new_context(viewport=DESKTOP)
    sign_in(safety_context, live_server, safety_officer)
    page = safety_context.new_page()
    page.goto(live_server.url + reverse("accounts:home"))
    page.click("nav >> text=地域安全連絡員")
    page.wait_for_url(re.compile(r"/network/members/$"))
    page.click("text=候補者を報告する")
    page.wait_for_url(re.compile(r"/network/members/new/$"))
    found["候補者の報告"] = axe_violations(page, live_server)
    # His own department is already chosen as the one that found her.
    expect(page.locator("#id_found_department")).to_have_value(str(safety.pk))
    page.fill("#id_name", NAME)
    page.fill("#id_name_kana", KANA)
    page.fill("#id_phone", "029-241-5555")
    page.fill("#id_address", "水戸市笠原町1-2-3")
    page.fill("#id_municipality", "水戸市")
    page.fill("#id_found_on", campaign_day.isoformat())
    page.select_option("#id_found_occasion", label="キャンペーン")
    page.fill("#id_found_note", "交通安全キャンペーンで声をかけてくれた自治会の役員")
    page.click("button:has-text('報告する')")
    page.wait_for_url(re.compile(r"/network/members/\d+/$"))
    expect(page.locator("main")).to_contain_text(f"{NAME}さんを連絡員の候補者として報告しました")
    member = LiaisonMember.objects.get()
    assert member.status == MemberStatus.CANDIDATE
    assert member.found_by == safety_officer and member.found_department == safety
    assert member.found_occasion == FoundOccasion.CAMPAIGN and member.found_on == campaign_day
    found["連絡員（候補者）"] = axe_violations(page, live_server)
    # Only 署地域課 asks: the officer who reported her sees no button for it.
    expect(page.get_by_role("link", name="依頼", exact=True)).to_have_count(0)

    # 2. The 地域課長 sees her on his home page, asks her, and records her consent.
    chief_context = new_context(viewport=DESKTOP)
    sign_in(chief_context, live_server, world.chief)
    chief = chief_context.new_page()
    chief.goto(live_server.url + reverse("accounts:home"))
    waiting = _panel(chief, "連絡員の候補者（依頼待ち）")
    expect(waiting).to_contain_text(NAME)
    expect(waiting).to_contain_text("生活安全課")
    found["ホーム（地域課長）"] = axe_violations(chief, live_server)
    waiting.locator("a", has_text=NAME).click()
    chief.wait_for_url(re.compile(rf"/network/members/{member.pk}/$"))
    found["連絡員（地域課長）"] = axe_violations(chief, live_server)

    chief.get_by_role("link", name="依頼", exact=True).click()
    chief.wait_for_url(re.compile(rf"/network/members/{member.pk}/ask/$"))
    found["依頼の記録"] = axe_violations(chief, live_server)
    chief.fill("#id_on", (today - dt.timedelta(days=2)).isoformat())
    chief.fill("#id_reason", "生活安全課からの報告を受け、自宅を訪ねて依頼した")
    chief.click("button:has-text('依頼を記録する')")
    chief.wait_for_url(re.compile(rf"/network/members/{member.pk}/$"))
    expect(chief.locator("main")).to_contain_text(f"{NAME}さんの依頼を記録しました")
    expect(chief.locator("h1 .badge")).to_have_text("依頼中")

    chief.get_by_role("link", name="承諾", exact=True).click()
    chief.wait_for_url(re.compile(rf"/network/members/{member.pk}/consent/$"))
    found["承諾の記録"] = axe_violations(chief, live_server)
    chief.fill("#id_consented_on", consent_day.isoformat())
    chief.click("button:has-text('承諾を記録する')")
    chief.wait_for_url(re.compile(rf"/network/members/{member.pk}/$"))
    expect(chief.locator("main")).to_contain_text(f"{NAME}さんの承諾を記録しました")
    expect(chief.locator("h1 .badge")).to_have_text("連絡員")

    # 3. She is in the 連絡員一覧表, and 生活安全課 is counted as having found a member.
    chief.goto(live_server.url + reverse("network:member_list"))
    expect(chief.locator("p[role=status]")).to_have_text("連絡員：1件")
    roster = chief.get_by_role("region", name="連絡員一覧表")
    expect(roster.get_by_role("link", name=NAME)).to_be_visible()
    counts = chief.get_by_role("region", name="課ごとの把握の状況")
    expect(counts.locator("tr", has_text="生活安全課").locator("td")).to_have_text(
        ["中央警察署", "生活安全課", "1", "0", "1"]
    )
    found["連絡員一覧表"] = axe_violations(chief, live_server)
    # Nor is she waiting on his home page any more.
    chief.goto(live_server.url + reverse("accounts:home"))
    expect(_panel(chief, "連絡員の候補者（依頼待ち）")).to_have_count(0)

    # 4. The beat officer records an exchange with her, and a request for 交通課.
    officer_context = new_context(viewport=TABLET)
    sign_in(officer_context, live_server, world.beat_officer)
    officer = officer_context.new_page()
    officer.goto(live_server.url + reverse("network:exchange_create"))
    found["情報交換の記録"] = axe_violations(officer, live_server)
    expect(officer.locator("#id_held_on")).to_have_value(today.isoformat())
    officer.select_option("#id_member", label=f"{NAME}（{KANA}）")
    officer.select_option("#id_department", label="地域課")
    officer.locator("#field-occasion").get_by_label("巡回連絡", exact=True).check()
    officer.fill("#id_minutes", "20")
    officer.fill("#id_heard", "朝の通学時間帯に交差点で車の速度が出ていて危ない")
    officer.select_option("#id_requests-0-department", label="交通課")
    officer.fill("#id_requests-0-text", REQUEST_TEXT)
    officer.fill("#id_requests-0-due_on", due.isoformat())
    officer.click("button:has-text('記録する')")
    officer.wait_for_url(re.compile(r"/network/exchanges/\d+/$"))
    expect(officer.locator("main")).to_contain_text(
        f"{NAME}さんとの情報交換を記録しました（要望1件を担当課へ送りました）"
    )
    expect(officer.locator("main")).to_contain_text(REQUEST_TEXT)
    found["情報交換"] = axe_violations(officer, live_server)

    # 5. A 交通課 officer finds it in his department's inbox and closes it.
    traffic_context = new_context(viewport=DESKTOP)
    sign_in(traffic_context, live_server, traffic_officer)
    inbox = traffic_context.new_page()
    inbox.goto(live_server.url + reverse("accounts:home"))
    inbox.click("nav >> text=課の対応事項")
    inbox.wait_for_url(re.compile(r"/inbox/$"))
    found["課の対応事項"] = axe_violations(inbox, live_server)
    row = inbox.locator("tr", has_text="交通課")
    expect(row.locator("td").nth(1)).to_have_text("1件")
    row.get_by_role("link", name="中央警察署 交通課").click()
    inbox.wait_for_url(re.compile(rf"/inbox/{traffic.pk}/$"))
    expect(inbox.locator("p[role=status]")).to_have_text("未対応：1件")
    expect(inbox.locator("main")).to_contain_text(REQUEST_TEXT)
    found["交通課の対応事項（未対応）"] = axe_violations(inbox, live_server)
    inbox.get_by_role("link", name=re.compile("情報交換での要望")).click()
    inbox.wait_for_url(re.compile(r"/network/requests/\d+/$"))
    expect(inbox.locator("h1")).to_contain_text("未対応")
    expect(inbox.locator("main")).to_contain_text(REQUEST_TEXT)
    expect(inbox.locator("main")).to_contain_text(NAME)  # who asked, for the answer
    found["連絡員からの要望"] = axe_violations(inbox, live_server)
    inbox.get_by_label("対応の内容").fill(ACTION_TAKEN)
    inbox.click("button:has-text('対応済みにする')")
    inbox.wait_for_url(re.compile(r"/network/requests/\d+/$"))
    expect(inbox.locator("main")).to_contain_text("を対応済みにしました")
    expect(inbox.locator("h1")).to_contain_text("対応済み")
    expect(inbox.locator("main")).to_contain_text(ACTION_TAKEN)
    found["連絡員からの要望（対応済み）"] = axe_violations(inbox, live_server)

    # Gone from the open list; listed among those done, with who closed it.
    inbox.click("text=課の対応事項へ戻る")
    inbox.wait_for_url(re.compile(rf"/inbox/{traffic.pk}/$"))
    expect(inbox.locator("p[role=status]")).to_have_text("未対応：0件")
    expect(inbox.locator("main")).not_to_contain_text(REQUEST_TEXT)
    found["交通課の対応事項（0件）"] = axe_violations(inbox, live_server)
    inbox.select_option("#id_state", label="対応済み")
    inbox.click("button:has-text('絞り込む')")
    inbox.wait_for_url(re.compile(r"\?state=closed"))
    expect(inbox.locator("p[role=status]")).to_have_text("対応済み：1件")
    done = inbox.locator("tr", has_text=REQUEST_TEXT)
    expect(done).to_contain_text("対応済み")
    expect(done).to_contain_text(traffic_officer.full_name)

    # What the database keeps.
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE and member.consented_on == consent_day
    exchange = Exchange.objects.get()
    assert exchange.member == member and exchange.staff == world.beat_officer
    assert exchange.occasion == ExchangeOccasion.LIAISON_VISIT and exchange.minutes == 20
    asked = DepartmentRequest.objects.get()
    assert asked.exchange == exchange and asked.department == traffic
    assert asked.text == REQUEST_TEXT and asked.due_on == due
    assert asked.closed_at is not None
    assert asked.closed_by == traffic_officer and asked.action_taken == ACTION_TAKEN

    assert not any(found.values()), "\n" + describe_violations(found)
