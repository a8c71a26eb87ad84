"""あんしんメール in real browsers, each person in his own (issue 13): station A's 作成者 drafts
a 不審者情報 alert whose place names a park; the privacy check flags it as he types; he
writes the kind of place instead and the flag goes; he reports it; under the demo's preset
(gunma) the 運用責任者 and the 運用管理者 approve it from their inboxes; the 発信操作担当者
confirms the category's rules and the recipient count and sends; the alert is handed to the
queue (配信予約: at once in the sending hours, else for 07:00). Then (issue 14) the queue sends
it to the two residents of station A's area through a real SMTP server on loopback, with the
unsubscribe headers; the author's page shows the progress at 配信完了; the public archive and
its Atom feed show it to anyone. axe-core finds nothing on the way.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from alerts.delivery import tasks
from alerts.drafts.models import Alert, AlertStatus, DecisionAction
from alerts.subscribers.models import Subscriber
from tests.alerts.conftest import build_alert_world
from tests.alerts.delivery_kit import smtp_server
from tests.conftest import build_world
from tests.e2e.conftest import axe_violations, describe_violations, sign_in

__all__ = ["smtp_server"]  # a fixture, imported for this module

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
TITLE = "不審者（声かけ）情報"
DIRTY = "12月4日午後4時ごろ、中央市本町1丁目の千波公園で、下校中の児童が男に声をかけられました。"
CLEAN = "12月4日午後4時ごろ、中央市本町1丁目の公園内で、下校中の児童が男に声をかけられました。"


def _approve_from_inbox(new_context, live_server, person, found: dict) -> None:
    context = new_context(viewport=DESKTOP)
    sign_in(context, live_server, person)
    page = context.new_page()
    page.goto(live_server.url + reverse("alerts:inbox"))
    page.click(f"text={TITLE}")
    page.click("text=審査する（承認・差戻し）")
    expect(page.locator("#privacy-flags")).to_contain_text("指摘はありません")
    page.check("text=承認する")
    found[f"decide {person.employee_number}"] = axe_violations(page, live_server)
    page.click("button:has-text('決定する')")
    # Back to his inbox, where the alert no longer waits for him.
    page.wait_for_url(re.compile(r"/alerts/inbox/$"))
    expect(page.locator("main")).to_contain_text(f"「{TITLE}」を承認しました")
    expect(page.locator(f"main a:has-text('{TITLE}')")).to_have_count(0)
    context.close()


def test_a_station_alert_is_fixed_approved_confirmed_sent_and_archived(
    new_context, live_server, settings, smtp_server
):
    settings.ALERTS_PRESET = "gunma"
    # The sending hours open two hours from now (Tokyo), whatever the hour the test runs at:
    # the sender's confirmation always schedules the alert, and the clock is then moved on.
    opens = (timezone.localtime() + dt.timedelta(hours=2)).hour
    settings.ALERTS_SENDING_HOURS = [
        f"{opens:02d}:00",
        "23:59" if opens == 23 else f"{opens + 1:02d}:00",
    ]
    world = build_world()
    alerts = build_alert_world(world, "gunma")
    suspicious = alerts.categories["suspicious"]
    for n, municipality in enumerate(["chuo", "minami", "kita"]):
        subscriber = Subscriber.objects.create(
            email=f"resident{n}@example.jp", confirmed_at=timezone.now()
        )
        subscriber.categories.add(suspicious)
        subscriber.municipalities.add(alerts.municipalities[municipality])
    found: dict[str, list] = {}

    # 1. The author drafts; the park's name is flagged as he types, and goes when fixed.
    author_context = new_context(viewport=DESKTOP)
    sign_in(author_context, live_server, world.alert_author)
    page = author_context.new_page()
    page.goto(live_server.url + reverse("accounts:home"))
    page.click("nav >> text=あんしんメール")
    page.click("text=新規作成")
    page.wait_for_url(re.compile(r"/alerts/new/$"))
    page.wait_for_load_state("load")  # htmx wires the form once the page has loaded
    page.select_option("select[name=category]", label="不審者情報")
    expect(page.locator(".category-rules, #category-rules").first).to_contain_text("不審者情報")
    page.check(f"input[name=area_stations][value='{world.station_a.pk}']")
    page.fill("input[name=title]", TITLE)
    page.locator("textarea[name=body]").press_sequentially(DIRTY, delay=5)
    flags = page.locator("#privacy-flags")
    expect(flags).to_contain_text("千波公園")
    expect(flags).to_contain_text("名称")
    found["draft with a flag"] = axe_violations(page, live_server)
    page.fill("textarea[name=body]", "")
    page.locator("textarea[name=body]").press_sequentially(CLEAN, delay=5)
    expect(flags).to_contain_text("指摘はありません")
    page.fill("input[name=place]", "中央市本町1丁目")
    page.select_option("select[name=place_kind]", label="公園")
    page.fill(
        "textarea[name=advice]", "子供は一人で帰らず、声をかけられたら大声で助けを求めましょう。"
    )
    page.click("button:has-text('保存する')")
    page.wait_for_url(re.compile(r"/alerts/\d+/$"))
    alert = Alert.objects.get(title=TITLE)
    assert alert.body == CLEAN and alert.status == AlertStatus.DRAFT
    page.click("button:has-text('報告する（承認申請）')")
    expect(page.locator("main")).to_contain_text("承認手続中")
    author_context.close()

    # 2. The chain of the demo's preset: 運用責任者, then 運用管理者, each from the inbox.
    _approve_from_inbox(new_context, live_server, world.alert_reviewer, found)
    _approve_from_inbox(new_context, live_server, world.alert_approver, found)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.APPROVED

    # 3. The sender confirms the rules and the count (two of three subscribers are in
    # station A's area), every time, and sends.
    sender_context = new_context(viewport=DESKTOP)
    sign_in(sender_context, live_server, world.alert_sender)
    page = sender_context.new_page()
    page.goto(live_server.url + reverse("alerts:alert_detail", args=[alert.pk]))
    page.click("text=発信操作へ")
    main = page.locator("main")
    expect(main).to_contain_text("2件")
    expect(main).to_contain_text(suspicious.definition[:20])
    page.click("button:has-text('発信する')")
    expect(page.locator("main")).to_contain_text("確認")  # refused without the two ticks
    alert.refresh_from_db()
    assert alert.status == AlertStatus.APPROVED
    page.check("text=配信区分の内容を確認しました")
    page.check("text=配信先の件数を確認しました")
    found["send"] = axe_violations(page, live_server)
    page.click("button:has-text('発信する')")
    page.wait_for_url(re.compile(rf"/alerts/{alert.pk}/$"))
    expect(page.locator("main")).to_contain_text("配信予約")
    sender_context.close()

    alert.refresh_from_db()
    assert alert.queued_at is not None
    actions = list(alert.decisions.values_list("action", flat=True))
    assert actions == [
        DecisionAction.SUBMIT,
        DecisionAction.APPROVE,
        DecisionAction.APPROVE,
        DecisionAction.SEND if alert.send_at <= alert.queued_at else DecisionAction.SCHEDULE,
    ]

    # 4. The sending hours come (the clock is moved on), and the beat's dispatch hands it to
    # the queue (eager here, as under `make run`).
    assert alert.status == AlertStatus.SCHEDULED and alert.send_at > timezone.now()
    assert smtp_server.messages == []
    Alert.objects.filter(pk=alert.pk).update(send_at=timezone.now())
    tasks.dispatch()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT and alert.sending_started_at is not None
    reached = sorted(m["To"] for m in smtp_server.messages)
    assert reached == ["resident0@example.jp", "resident1@example.jp"]
    for message in smtp_server.messages:
        person = Subscriber.objects.get(email=message["To"])
        assert message["Message-ID"] == alert.deliveries.get(subscriber=person).message_id
        assert message["List-Unsubscribe"] == (
            f"<{settings.ALERTS_PUBLIC_BASE_URL}/anshin/my/{person.token}/unsubscribe/>"
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Subject"] == f"【{suspicious.name}】{TITLE}"
        assert CLEAN in message.get_content()

    # The author sees the progress at its end on the alert's page.
    author_context = new_context(viewport=DESKTOP)
    sign_in(author_context, live_server, world.alert_author)
    page = author_context.new_page()
    page.goto(live_server.url + reverse("alerts:alert_detail", args=[alert.pk]))
    progress = page.locator("#delivery-progress")
    expect(progress).to_contain_text("配信完了")
    expect(progress.locator("[data-figure=sent]")).to_have_text("2")
    found["progress"] = axe_violations(page, live_server)
    author_context.close()

    # 5. Anyone finds it in the public archive and its feed, without signing in.
    public = new_context(viewport={"width": 375, "height": 812})
    page = public.new_page()
    page.goto(live_server.url + reverse("anshin:archive_list"))
    page.click(f"main a:has-text('{TITLE}')")
    expect(page.locator("main")).to_contain_text("子供は一人で帰らず")
    found["archive"] = axe_violations(page, live_server)
    feed = public.request.get(live_server.url + reverse("anshin:archive_feed"))
    assert feed.ok and "atom" in feed.headers["content-type"]
    assert TITLE in feed.text() and f"/anshin/archive/{alert.pk}/" in feed.text()
    public.close()
    assert {k: v for k, v in found.items() if v} == {}, describe_violations(found)
