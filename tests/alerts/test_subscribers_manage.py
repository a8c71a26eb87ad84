"""A subscriber's own page (issue 13 point 10): changing the choices, changing the address
through a link to the new one, unsubscribing with one button or by RFC 8058's one-click POST
(without a CSRF token), the List-Unsubscribe headers, and a Japanese 404 for a key no
subscriber has."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import resolve, reverse

from alerts.subscribers import services
from alerts.subscribers.models import Subscriber
from tests.alerts.subscribers_kit import link_in, subscriber
from tests.html import all_by_role, field_errors, form_fields, link, name_of, terms, text

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def hanako(alert_world) -> Subscriber:
    return subscriber(
        "hanako@example.jp",
        [alert_world.categories["suspicious"]],
        municipalities=[alert_world.municipalities["chuo"]],
    )


def test_the_page_shows_the_choices_and_not_the_whole_address(alert_world, client, hanako):
    page = client.get(reverse("anshin:manage", kwargs={"token": hanako.token}))
    assert page.status_code == 200
    assert ("受け取る情報", "不審者情報") in terms(page)
    assert ("地域", "中央市") in terms(page)
    # Its owner recognises it; a forwarded link does not give the address away.
    assert "hanako@example.jp" not in page.content.decode()
    assert "ha" in text(page) and "@example.jp" in text(page)
    assert "no-store" in page["Cache-Control"]


def test_the_choices_change(alert_world, client, hanako):
    url = reverse("anshin:manage", kwargs={"token": hanako.token})
    data = form_fields(client.get(url))
    data["categories"] = [str(alert_world.categories["fraud"].pk)]
    data["area"] = "chosen"
    data["municipalities"] = [str(alert_world.municipalities["kita"].pk)]
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    hanako.refresh_from_db()
    assert list(hanako.categories.all()) == [alert_world.categories["fraud"]]
    assert list(hanako.municipalities.all()) == [alert_world.municipalities["kita"]]
    assert "受け取る情報を変更しました" in text(client.get(url))

    data["area"] = "whole"
    client.post(url, data)
    hanako.refresh_from_db()
    assert hanako.whole_prefecture and not hanako.municipalities.exists()


def test_a_change_without_a_category_is_refused_at_the_field(alert_world, client, hanako):
    url = reverse("anshin:manage", kwargs={"token": hanako.token})
    data = form_fields(client.get(url))
    data["categories"] = []
    page = client.post(url, data)
    assert page.status_code == 200
    assert field_errors(page, "受け取る情報") == ["受け取る情報を1つ以上選んでください。"]
    assert hanako.categories.count() == 1


def test_unsubscribe_shows_one_button_and_the_button_deletes_at_once(alert_world, hanako):
    client = Client(enforce_csrf_checks=True)
    url = reverse("anshin:unsubscribe", kwargs={"token": hanako.token})
    page = client.get(url)
    assert page.status_code == 200
    assert [name_of(b) for b in all_by_role(page, "button")] == ["配信を停止する"]
    assert Subscriber.objects.filter(pk=hanako.pk).exists()  # GET changes nothing

    done = client.post(url, form_fields(page))
    assert done.status_code == 302
    assert not Subscriber.objects.filter(pk=hanako.pk).exists()
    assert "配信を停止しました" in text(client.get(done["Location"]))


def test_the_button_without_its_csrf_token_is_refused(alert_world, hanako):
    client = Client(enforce_csrf_checks=True)
    url = reverse("anshin:unsubscribe", kwargs={"token": hanako.token})
    assert client.post(url, {}).status_code == 403
    assert Subscriber.objects.filter(pk=hanako.pk).exists()


def test_one_click_unsubscribe_from_a_mail_client_needs_no_csrf_token(alert_world, hanako):
    """RFC 8058: the client POSTs List-Unsubscribe=One-Click to the header's URL."""
    client = Client(enforce_csrf_checks=True)
    url = urlsplit(services.list_unsubscribe_headers(hanako)["List-Unsubscribe"][1:-1]).path
    response = client.post(url, "List-Unsubscribe=One-Click", content_type=FORM)
    assert response.status_code == 200
    assert not Subscriber.objects.filter(pk=hanako.pk).exists()
    # Again (the client retries): the key is gone, nothing to do.
    assert client.post(url, "List-Unsubscribe=One-Click", content_type=FORM).status_code == 404


def test_the_list_unsubscribe_headers_carry_the_absolute_one_click_url(
    alert_world, hanako, settings
):
    settings.ALERTS_PUBLIC_BASE_URL = "https://anshin.example.jp/"
    headers = services.list_unsubscribe_headers(hanako)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    value = headers["List-Unsubscribe"]
    assert value.startswith("<https://anshin.example.jp/anshin/") and value.endswith(">")
    assert value[1:-1] == services.unsubscribe_url(hanako)
    match = resolve(urlsplit(value[1:-1]).path)
    assert match.view_name == "anshin:unsubscribe"
    assert match.kwargs == {"token": hanako.token}


def test_an_unknown_key_is_a_japanese_404(alert_world, client):
    for name in ("manage", "address_change", "unsubscribe"):
        response = client.get(reverse(f"anshin:{name}", kwargs={"token": "no-such-key"}))
        assert response.status_code == 404
        assert "登録が見つかりません" in text(response)
        assert link(response, "登録のページへ")["href"] == reverse("anshin:signup")
    one_click = reverse("anshin:unsubscribe", kwargs={"token": "no-such-key"})
    assert client.post(one_click, {"List-Unsubscribe": "One-Click"}).status_code == 404


def test_an_address_change_waits_for_the_link_to_the_new_address(alert_world, client, hanako):
    url = reverse("anshin:address_change", kwargs={"token": hanako.token})
    response = client.post(url, {"email": "Hanako.New@example.jp"})
    assert response.status_code == 302
    assert response["Location"] == reverse("anshin:signup_sent")
    assert mail.outbox[-1].to == ["hanako.new@example.jp"]
    hanako.refresh_from_db()
    assert hanako.email == "hanako@example.jp"  # until the link is followed

    confirm = link_in(mail.outbox[-1])
    page = client.get(confirm)
    assert ("新しいメールアドレス", "hanako.new@example.jp") in terms(page)
    done = client.post(confirm)
    assert done["Location"] == reverse("anshin:manage", kwargs={"token": hanako.token})
    hanako.refresh_from_db()
    assert hanako.email == "hanako.new@example.jp"
    assert list(hanako.categories.all()) == [alert_world.categories["suspicious"]]


def test_an_address_change_to_a_subscribed_address_changes_nothing(alert_world, client, hanako):
    other = subscriber("taken@example.jp", [alert_world.categories["fraud"]])
    url = reverse("anshin:address_change", kwargs={"token": hanako.token})
    response = client.post(url, {"email": "taken@example.jp"})
    assert response["Location"] == reverse("anshin:signup_sent")  # the usual answer
    assert "すでにあんしんメールに登録されています" in mail.outbox[-1].body
    assert link_in(mail.outbox[-1]) == reverse("anshin:manage", kwargs={"token": other.token})
    hanako.refresh_from_db()
    assert hanako.email == "hanako@example.jp"


def test_an_address_change_link_after_unsubscribing_is_a_clear_400(alert_world, client, hanako):
    client.post(
        reverse("anshin:address_change", kwargs={"token": hanako.token}),
        {"email": "new@example.jp"},
    )
    confirm = link_in(mail.outbox[-1])
    services.subscriber_unsubscribe(subscriber=hanako)
    response = client.post(confirm)
    assert response.status_code == 400
    assert "もう一度登録してください" in text(response)
    assert not Subscriber.objects.exists()
