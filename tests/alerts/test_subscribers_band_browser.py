"""The receive-time band and the bounce notice in a real browser on a phone-width screen: a
resident picks a band when signing up, later finds his page saying that mail could not be
delivered, and receives again with one button; no page has a WCAG 2 A/AA violation
(axe-core) or trips the Content Security Policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from alerts.subscribers.models import Subscriber
from tests.alerts.conftest import build_alert_world
from tests.alerts.subscribers_kit import link_in
from tests.browser import axe_violations, describe_violations
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAND_SHOT = "/tmp/anshin-band-phone.png"  # noqa: S108  (where the reviewer looks at it)
STOPPED_SHOT = "/tmp/anshin-stopped-phone.png"  # noqa: S108


def test_a_resident_picks_a_band_then_resumes_after_undelivered_mail(
    new_context, live_server, settings
):
    cache.clear()
    build_alert_world(build_world(), settings.ALERTS_PRESET)
    settings.ALERTS_PUBLIC_BASE_URL = live_server.url
    context = new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    refusals: list[str] = []
    page.on(
        "console",
        lambda m: refusals.append(m.text) if "Content Security Policy" in m.text else None,
    )
    found: dict[str, list] = {}

    page.goto(live_server.url + reverse("anshin:signup"))
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_label("不審者情報").check()
    page.get_by_label("県内全域").check()
    page.get_by_label("時間帯を決める").check()
    page.get_by_label("開始時刻").select_option(label="7:30")
    page.get_by_label("終了時刻").select_option(label="9:00")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=BAND_SHOT, full_page=True)
    page.get_by_role("button", name="確認メールを送る").click()
    page.wait_for_load_state("load")

    page.goto(live_server.url + link_in(mail.outbox[-1]))
    assert "7:30〜9:00" in page.locator("main").inner_text()
    page.get_by_role("button", name="登録する").click()
    page.wait_for_load_state("load")
    hanako = Subscriber.objects.get()
    assert (hanako.band_start, hanako.band_end) == (dt.time(7, 30), dt.time(9, 0))

    # The queue stops the address after repeated undelivered mail (alerts.delivery).
    Subscriber.objects.filter(pk=hanako.pk).update(stopped_at=timezone.now(), bounce_count=3)
    page.reload()
    notice = page.get_by_role("region", name="メールが届かないため、配信を止めています")
    assert notice.is_visible()
    found["停止中"] = axe_violations(page, live_server)
    page.screenshot(path=STOPPED_SHOT, full_page=True)
    notice.get_by_role("button", name="このアドレスで受信を再開する").click()
    page.wait_for_load_state("load")

    assert "このアドレスへの配信を再開しました" in page.locator("main").inner_text()
    assert page.get_by_role("region", name="メールが届かないため、配信を止めています").count() == 0
    hanako.refresh_from_db()
    assert hanako.stopped_at is None and hanako.bounce_count == 0
    assert not any(found.values()), "\n" + describe_violations(found)
    assert refusals == []
