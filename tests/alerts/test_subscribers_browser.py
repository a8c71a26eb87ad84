"""The public pages in a real browser, on a phone-width screen: a resident signs up, follows
the mailed link and presses the button; no page has a WCAG 2 A/AA violation (axe-core) or
trips the Content Security Policy; the flyer prints on one A4 sheet."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from alerts.subscribers.models import Subscriber
from tests.alerts.conftest import build_alert_world
from tests.alerts.subscribers_kit import link_in
from tests.browser import axe_violations, describe_violations
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNUP_SHOT = "/tmp/anshin-signup-phone.png"  # noqa: S108  (where the reviewer looks at it)
FLYER_PDF = "/tmp/anshin-flyer.pdf"  # noqa: S108


def _watch_csp(page) -> list[str]:
    refusals: list[str] = []
    page.on(
        "console",
        lambda message: (
            refusals.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refusals


def test_a_resident_signs_up_on_a_phone(new_context, live_server, settings):
    cache.clear()
    alert_world = build_alert_world(build_world(), settings.ALERTS_PRESET)
    settings.ALERTS_PUBLIC_BASE_URL = live_server.url
    context = new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    refusals = _watch_csp(page)
    found: dict[str, list] = {}

    page.goto(live_server.url + reverse("anshin:signup"))
    found["登録"] = axe_violations(page, live_server)
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_label("不審者情報").check()
    page.get_by_label("市町村を選ぶ").check()
    page.get_by_label("南町").check()
    page.screenshot(path=SIGNUP_SHOT, full_page=True)
    page.get_by_role("button", name="確認メールを送る").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "確認メールを送りました"
    found["送信後"] = axe_violations(page, live_server)
    assert not Subscriber.objects.exists()

    page.goto(live_server.url + link_in(mail.outbox[-1]))
    found["確認"] = axe_violations(page, live_server)
    page.get_by_role("button", name="登録する").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "登録内容の確認・変更"
    found["登録内容"] = axe_violations(page, live_server)
    subscribed = Subscriber.objects.get()
    assert list(subscribed.municipalities.all()) == [alert_world.municipalities["minami"]]

    page.get_by_role("link", name="配信を停止する（登録を削除）").click()
    page.wait_for_load_state("load")
    found["停止"] = axe_violations(page, live_server)
    page.get_by_role("button", name="配信を停止する").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "配信を停止しました"
    assert not Subscriber.objects.exists()

    page.goto(live_server.url + reverse("anshin:manage", kwargs={"token": subscribed.token}))
    found["404"] = axe_violations(page, live_server)
    assert not any(found.values()), "\n" + describe_violations(found)
    assert refusals == []


def test_the_flyer_prints_on_one_a4_sheet(new_context, live_server, settings, any_preset):
    build_alert_world(build_world(), settings.ALERTS_PRESET)
    context = new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    refusals = _watch_csp(page)
    page.goto(live_server.url + reverse("anshin:flyer"))
    found = {"チラシ": axe_violations(page, live_server)}
    assert page.locator(".flyer__qr svg").count() == 1
    page.emulate_media(media="print")
    pdf = page.pdf(path=FLYER_PDF, prefer_css_page_size=True)
    # One sheet: the PDF's page tree counts its pages.
    assert re.search(rb"/Count 1\b", pdf), "the flyer runs over one A4 sheet"
    assert not any(found.values()), "\n" + describe_violations(found)
    assert refusals == []
