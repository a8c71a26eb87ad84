"""郵便番号 → 都道府県・市区町村・町字, offline, swapped into the form by htmx."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.liaison.views import page

pytestmark = pytest.mark.django_db

URL = reverse("liaison:postal_lookup")


def lookup(client, code):
    return client.get(URL, {"postal_code": code}, headers={"HX-Request": "true"})


@pytest.mark.parametrize("code", ["3100852", "310-0852", "３１０－０８５２"])
def test_a_known_code_fills_prefecture_city_and_town(world, login, code):
    response = lookup(login(world.beat_officer), code)
    assert response.status_code == 200
    text = page(response)
    assert "茨城県水戸市笠原町を入力しました" in text
    # Out-of-band swaps of the three inputs, by their ids on the card form.
    for name, value in (("prefecture", "茨城県"), ("city", "水戸市"), ("town", "笠原町")):
        assert f'id="id_{name}"' in text
        assert f'name="{name}"' in text and f'value="{value}"' in text
    assert text.count('hx-swap-oob="true"') == 3
    assert "HX-Request" in response["Vary"]


def test_an_unknown_code_says_so_and_leaves_the_address_alone(world, login):
    response = lookup(login(world.beat_officer), "0000000")
    assert response.status_code == 200
    text = page(response)
    assert "郵便番号 000-0000 に当たる住所が見つかりません" in text
    assert "hx-swap-oob" not in text and "<input" not in text


@pytest.mark.parametrize("code", ["12", "abcdefg", "31008521"])
def test_a_malformed_code_gets_the_format_message(world, login, code):
    response = lookup(login(world.beat_officer), code)
    assert response.status_code == 200
    text = page(response)
    assert "郵便番号は7桁の数字で入力してください" in text
    assert "<input" not in text


def test_an_empty_code_answers_nothing(world, login):
    response = lookup(login(world.beat_officer), "")
    assert response.status_code == 200
    assert page(response).strip() == ""


def test_any_signed_in_user_may_look_up_a_code(world, login):
    assert lookup(login(world.no_role), "3100852").status_code == 200


def test_anonymous_users_are_sent_to_sign_in(client, world):
    response = lookup(client, "3100852")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_only_get_is_answered(world, login):
    assert login(world.beat_officer).post(URL, {"postal_code": "3100852"}).status_code == 405


def test_the_card_form_asks_for_the_look_up_when_the_code_changes(world, login):
    url = reverse("liaison:book_card_create", kwargs={"pk": world.beat_a1_1.pk})
    text = page(login(world.beat_officer).get(url, {"kind": "household"}))
    assert f'hx-get="{URL}"' in text
    assert 'hx-trigger="change"' in text
    assert 'id="postal-code-status"' in text and 'aria-live="polite"' in text
