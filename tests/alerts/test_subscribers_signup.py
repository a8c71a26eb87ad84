"""Public sign-up with double opt-in (issue 13 point 10, seed 003 6⑹): the form, the one
mail with its link, nothing stored until the link's button is pressed, the clear page for a
bad or expired link, and the same answer for an address already subscribed."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from alerts.subscribers import links
from alerts.subscribers.models import Subscriber
from alerts.subscribers.services import MAILS_PER_ADDRESS_PER_HOUR
from tests.alerts.subscribers_kit import link_in, signed_up, signup_data, subscriber
from tests.html import field_errors, form_fields, inline_code, link, terms, text

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
EXPIRED = "このリンクは無効か、有効期限（24時間）が切れています。もう一度登録してください。"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The per-address mail limit lives in the cache.
    cache.clear()


def test_the_sign_up_page_offers_the_categories_and_areas_and_names_the_domain(
    alert_world, client, settings
):
    page = client.get(reverse("anshin:signup"))
    assert page.status_code == 200
    shown = text(page)
    suspicious = alert_world.categories["suspicious"]
    # Each category with its definition in a small note; the areas under their station.
    assert suspicious.name in shown and suspicious.definition in shown
    assert "中央警察署の管内 中央市 南町" in shown
    assert "北警察署の管内 北市" in shown
    assert f"「{settings.ALERTS_SENDING_DOMAIN}」のドメイン指定受信" in shown
    # No staff menu, no sign-out, nothing a strict CSP would block.
    assert "サインアウト" not in shown and "メインメニュー" not in page.content.decode()
    assert inline_code(page) == ([], [])


def test_sign_up_sends_one_mail_with_a_link_and_stores_nothing(alert_world, client, settings):
    categories = [alert_world.categories["suspicious"], alert_world.categories["fraud"]]
    response = client.post(
        reverse("anshin:signup"),
        signup_data("Taro@Example.JP", categories, [alert_world.municipalities["chuo"]]),
    )
    assert response.status_code == 302
    sent = client.get(response["Location"])
    assert "確認メールを送りました" in text(sent)
    assert f"「{settings.ALERTS_SENDING_DOMAIN}」のドメイン指定受信" in text(sent)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["taro@example.jp"]
    assert message.from_email == settings.ALERTS_FROM_EMAIL
    assert settings.ALERTS_SENDING_DOMAIN in message.body
    url = link_in(message)
    assert url.startswith(reverse("anshin:confirm") + "?t=")
    assert Subscriber.objects.count() == 0


def test_following_the_link_shows_the_choices_and_only_the_button_subscribes(alert_world, client):
    suspicious = alert_world.categories["suspicious"]
    chuo, kita = alert_world.municipalities["chuo"], alert_world.municipalities["kita"]
    url = signed_up(client, "hanako@example.jp", [suspicious], [chuo, kita])

    # A mail scanner follows the link: nothing happens.
    page = client.get(url)
    assert page.status_code == 200
    assert ("受け取る情報", suspicious.name) in terms(page)
    assert ("地域", "中央市、北市") in terms(page)
    assert Subscriber.objects.count() == 0

    done = client.post(url, form_fields(page))
    subscribed = Subscriber.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("anshin:manage", kwargs={"token": subscribed.token})
    assert subscribed.email == "hanako@example.jp"
    assert list(subscribed.categories.all()) == [suspicious]
    assert not subscribed.whole_prefecture
    assert set(subscribed.municipalities.all()) == {chuo, kita}
    assert subscribed.staff_user is None
    assert "登録しました" in text(client.get(done["Location"]))


def test_the_whole_prefecture_keeps_no_municipality(alert_world, client):
    data = signup_data("ken@example.jp", [alert_world.categories["traffic"]])
    data["municipalities"] = [str(alert_world.municipalities["chuo"].pk)]  # ticked, then 県内全域
    client.post(reverse("anshin:signup"), data)
    client.post(link_in(mail.outbox[0]))
    subscribed = Subscriber.objects.get()
    assert subscribed.whole_prefecture
    assert not subscribed.municipalities.exists()


@pytest.mark.parametrize(
    ("later", "works"),
    [(dt.timedelta(hours=23, minutes=59), True), (dt.timedelta(hours=24, minutes=1), False)],
)
def test_the_link_lasts_24_hours(alert_world, client, later, works):
    start = dt.datetime(2026, 12, 5, 21, 30, tzinfo=TOKYO)
    with time_machine.travel(start, tick=False):
        url = signed_up(client, "late@example.jp", [alert_world.categories["suspicious"]])
    with time_machine.travel(start + later, tick=False):
        page = client.get(url)
        done = client.post(url)
    if works:
        assert page.status_code == 200 and done.status_code == 302
        assert Subscriber.objects.filter(email="late@example.jp").exists()
    else:
        for response in (page, done):
            assert response.status_code == 400
            assert EXPIRED in text(response)
            assert link(response, "もう一度登録する")["href"] == reverse("anshin:signup")
        assert not Subscriber.objects.exists()


def test_a_tampered_or_garbled_link_is_a_clear_400_and_stores_nothing(alert_world, client):
    url = signed_up(client, "taro@example.jp", [alert_world.categories["suspicious"]])
    token = parse_qs(urlsplit(url).query)["t"][0]
    payload, signature = token.rsplit(":", 1)
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    confirm = reverse("anshin:confirm")
    choices = {"k": "signup", "e": "jiro@example.jp", "c": [], "w": True, "m": []}
    forged = [
        f"{payload}:{flipped}",  # the signature altered
        f"{payload[:-3]}:{signature}",  # the body cut short
        signing.dumps(choices, salt=links.SALT, key="not-the-secret-key"),  # signed elsewhere
        signing.dumps(choices, salt="another.salt"),  # a token of another purpose
        "",
        "\x00\uffff",
    ]
    for token in forged:
        bad = f"{confirm}?{urlencode({'t': token})}"
        for response in (client.get(bad), client.post(bad)):
            assert response.status_code == 400, token
            assert EXPIRED in text(response)
    assert client.get(confirm).status_code == 400
    assert not Subscriber.objects.exists()


def test_an_address_already_subscribed_gets_the_same_page_and_a_mail_with_its_page(
    alert_world, client
):
    fraud = alert_world.categories["fraud"]
    known = subscriber("known@example.jp", [fraud])

    response = client.post(
        reverse("anshin:signup"),
        signup_data("KNOWN@example.jp", [alert_world.categories["suspicious"]]),
    )
    # The same answer as for a new address: the form tells no stranger who is subscribed.
    assert response.status_code == 302
    assert response["Location"] == reverse("anshin:signup_sent")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "すでにあんしんメールに登録されています" in body
    assert link_in(mail.outbox[0]) == reverse("anshin:manage", kwargs={"token": known.token})
    assert list(Subscriber.objects.get().categories.all()) == [fraud]


def test_the_form_says_what_is_missing_at_each_field_and_sends_nothing(alert_world, client):
    page = client.post(
        reverse("anshin:signup"), {"email": "not-an-address", "area": "chosen", "categories": []}
    )
    assert page.status_code == 200
    assert field_errors(page, "メールアドレス") == ["有効なメールアドレスを入力してください。"]
    assert field_errors(page, "受け取る情報") == ["受け取る情報を1つ以上選んでください。"]
    assert field_errors(page, "市町村") == ["市町村を1つ以上選んでください。"]
    assert not mail.outbox


def test_sign_up_keeps_its_csrf_protection(alert_world):
    client = Client(enforce_csrf_checks=True)
    data = signup_data("taro@example.jp", [alert_world.categories["suspicious"]])
    assert client.post(reverse("anshin:signup"), data).status_code == 403
    page = client.get(reverse("anshin:signup"))
    data["csrfmiddlewaretoken"] = form_fields(page)["csrfmiddlewaretoken"]
    assert client.post(reverse("anshin:signup"), data).status_code == 302
    assert len(mail.outbox) == 1


def test_one_address_gets_no_more_than_the_hourly_limit_of_mails(alert_world, client):
    categories = [alert_world.categories["suspicious"]]
    for _ in range(MAILS_PER_ADDRESS_PER_HOUR + 2):
        response = client.post(reverse("anshin:signup"), signup_data("x@example.jp", categories))
        assert response.status_code == 302  # the page never says so
    assert len(mail.outbox) == MAILS_PER_ADDRESS_PER_HOUR
    client.post(reverse("anshin:signup"), signup_data("y@example.jp", categories))
    assert len(mail.outbox) == MAILS_PER_ADDRESS_PER_HOUR + 1


def test_no_log_line_names_the_address(alert_world, client, caplog):
    caplog.set_level(logging.DEBUG)
    url = signed_up(client, "secret.person@example.jp", [alert_world.categories["suspicious"]])
    client.post(url)
    client.get(url.replace("?t=", "?t=x"))
    assert "secret.person" not in caplog.text
