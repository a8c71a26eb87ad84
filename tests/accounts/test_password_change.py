"""Changing one's own password: Japanese form, the session kept, others ended, recorded."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AccessEvent
from tests.accounts.test_sign_in import assert_csp_clean, assert_event, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/password/"
NEW_PASSWORD = "kawaguchi-koban-2026"


def change(
    client, old: str = PASSWORD, new: str = NEW_PASSWORD, confirm: str | None = None, **extra
):
    return client.post(
        URL,
        {"old_password": old, "new_password1": new, "new_password2": confirm or new},
        **extra,
    )


def test_the_page_asks_in_japanese_and_needs_a_sign_in(client, world):
    assert client.get(URL)["Location"] == "/login/?next=/password/"
    sign_in(client, world.chief.employee_number)

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    for label in ("現在のパスワード", "新しいパスワード", "新しいパスワード（確認）"):
        assert f">{label}</label>" in page
    assert "12文字以上" in page
    assert_csp_clean(response)


def test_a_change_keeps_this_session_and_is_recorded(client, world):
    sign_in(client, world.chief.employee_number)
    started = timezone.now()

    response = change(client, REMOTE_ADDR="192.0.2.80")

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "パスワードを変更しました。" in home.content.decode()
    world.chief.refresh_from_db()
    assert world.chief.check_password(NEW_PASSWORD)
    assert_event(
        AccessEvent.objects.get(action=AccessEvent.Action.PASSWORD_CHANGE),
        response=response,
        action=AccessEvent.Action.PASSWORD_CHANGE,
        outcome=AccessEvent.Outcome.SUCCESS,
        user=world.chief,
        username=world.chief.employee_number,
        role="chief",
        station=world.station_a,
        client_ip="192.0.2.80",
        started=started,
        secrets=(PASSWORD, NEW_PASSWORD),
    )


def test_the_new_password_works_and_the_old_one_no_longer_does(client, world):
    sign_in(client, world.chief.employee_number)
    change(client)
    client.post("/logout/")

    old = Client()
    assert sign_in(old, world.chief.employee_number).status_code == 200
    new = Client()
    assert sign_in(new, world.chief.employee_number, NEW_PASSWORD).status_code == 302


def test_a_change_signs_out_the_other_sessions(client, world):
    other = Client()
    sign_in(other, world.chief.employee_number)
    sign_in(client, world.chief.employee_number)

    change(client)

    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_an_hq_user_keeps_the_second_factor_after_the_change(client, world, login):
    login(world.auditor)

    change(client)

    assert client.get("/").status_code == 200  # not sent back to the code page


def test_a_wrong_current_password_is_refused_and_recorded(client, world):
    sign_in(client, world.chief.employee_number)

    response = change(client, old="not-my-password", REMOTE_ADDR="192.0.2.81")

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"] == [
        "現在のパスワードが正しくありません。"
    ]
    world.chief.refresh_from_db()
    assert world.chief.check_password(PASSWORD)
    event = AccessEvent.objects.get(action=AccessEvent.Action.PASSWORD_CHANGE)
    assert event.outcome == AccessEvent.Outcome.FAILURE
    assert event.user == world.chief
    assert event.request_id == response["X-Request-ID"]
    assert "not-my-password" not in event.summary


@pytest.mark.parametrize(
    ("new", "confirm", "field", "message"),
    [
        ("short-pw", None, "new_password2", "短すぎます"),
        ("12345678901234", None, "new_password2", "数字しか使われていません"),
        (
            NEW_PASSWORD,
            "something-else-entirely",
            "new_password2",
            "新しいパスワードが確認用と一致しません。",
        ),
        ("", None, "new_password1", "新しいパスワードを入力してください。"),
    ],
)
def test_a_weak_or_mistyped_new_password_is_explained_in_japanese(
    client, world, new, confirm, field, message
):
    sign_in(client, world.chief.employee_number)

    response = change(client, new=new, confirm=confirm)

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    world.chief.refresh_from_db()
    assert world.chief.check_password(PASSWORD)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.PASSWORD_CHANGE).exists()
