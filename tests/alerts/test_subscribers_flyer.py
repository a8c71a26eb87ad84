"""The A4 flyer for 防犯講話 and 広報紙 (seed 003 6⑷): public, printable, with the QR code of the
sign-up page as inline SVG, the categories and how to allow the sending domain (6⑹)."""

from __future__ import annotations

import pytest
import segno
from django.contrib.staticfiles import finders
from django.urls import reverse

from alerts.subscribers.views import QR_TITLE
from tests.html import inline_code, text

pytestmark = pytest.mark.django_db

BASE = "https://anshin.example.jp"


def test_the_flyer_carries_the_qr_code_of_the_sign_up_page(alert_world, client, settings):
    settings.ALERTS_PUBLIC_BASE_URL = BASE
    page = client.get(reverse("anshin:flyer"))
    assert page.status_code == 200
    body = page.content.decode()
    signup = BASE + reverse("anshin:signup")
    # segno made it from that URL: the same call gives the same markup, and any other URL
    # (the request's own host, say) another.
    made = segno.make(signup, error="m").svg_inline(scale=4, title=QR_TITLE)
    assert made.startswith("<svg") and made in body
    other = segno.make("http://testserver" + reverse("anshin:signup"), error="m")
    assert other.svg_inline(scale=4, title=QR_TITLE) not in body
    assert body.count("<svg") == 1
    assert signup in text(page)


def test_the_flyer_names_the_categories_and_the_domain(alert_world, client, settings):
    shown = text(client.get(reverse("anshin:flyer")))
    for category in alert_world.categories.values():
        assert category.name in shown
    assert f"「{settings.ALERTS_SENDING_DOMAIN}」のドメイン指定受信" in shown
    assert "テスト県警察本部" in shown


def test_the_flyer_prints_on_a4_without_inline_code(alert_world, client):
    page = client.get(reverse("anshin:flyer"))
    assert inline_code(page) == ([], [])
    assert "/static/css/anshin.css" in page.content.decode()
    with open(finders.find("css/anshin.css"), encoding="utf-8") as css:
        rules = css.read()
    assert "size: A4 portrait" in rules and "@media print" in rules
