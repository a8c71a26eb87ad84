"""Two-factor sign-in with a TOTP authenticator app: required for HQ roles (and for all
when OTP_REQUIRED_FOR_ALL), set up from a QR code, replaced only by a verified holder."""

from __future__ import annotations

import datetime as dt
from base64 import b32encode
from urllib.parse import quote

import pytest
import segno
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessEvent
from tests.accounts.test_sign_in import assert_csp_clean, assert_event, sign_in

pytestmark = pytest.mark.django_db

VERIFY_URL = "/otp/"
SETUP_URL = "/otp/setup/"


def code_for(device: TOTPDevice, steps: int = 0) -> str:
    """What the officer's authenticator app shows now (or `steps` periods away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp() + steps * device.step
    return f"{totp.token():06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    accepted = {code_for(device, steps) for steps in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


def pending_device(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def end_throttle(device: TOTPDevice) -> None:
    """django-otp makes the next try wait 1, 2, 4 … seconds; pretend they have passed."""
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - dt.timedelta(minutes=10)
    device.save(update_fields=["throttling_failure_timestamp"])


def test_an_hq_user_without_a_device_is_sent_from_the_password_to_the_setup(client, world):
    response = sign_in(client, world.auditor.employee_number)

    assert response["Location"] == VERIFY_URL
    assert client.get(VERIFY_URL)["Location"] == SETUP_URL
    # Nothing else opens before the second factor.
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == f"{VERIFY_URL}?next=%2F"


def test_the_setup_page_shows_the_qr_code_and_the_key_for_typing(client, world):
    sign_in(client, world.auditor.employee_number)

    response = client.get(SETUP_URL)

    assert response.status_code == 200
    device = pending_device(world.auditor)
    page = response.content.decode()
    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    expected_qr = segno.make(device.config_url, error="m").svg_data_uri(
        scale=5, border=4, dark="#000", light="#fff"
    )
    assert f'src="{expected_qr}"' in page.replace("&#x27;", "'")
    # The app lists the entry under the system's name and the 職員番号.
    assert device.config_url.startswith(
        f"otpauth://totp/{quote('巡回連絡記録システム')}%3A{world.auditor.employee_number}?"
    )
    assert "認証アプリの登録" in page
    assert_csp_clean(response)
    # Reloading keeps the same key (the app may already have read it).
    client.get(SETUP_URL)
    assert TOTPDevice.objects.filter(user=world.auditor).count() == 1


def test_a_correct_code_confirms_the_device_and_opens_the_system(client, world):
    sign_in(client, world.auditor.employee_number)
    client.get(SETUP_URL)
    device = pending_device(world.auditor)
    started = timezone.now()
    code = code_for(device)

    response = client.post(SETUP_URL, {"token": code}, REMOTE_ADDR="192.0.2.60")

    assert response.status_code == 302
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    home = client.get("/")
    assert home.status_code == 200
    assert "認証アプリを登録しました。" in home.content.decode()
    event = AccessEvent.objects.get(action=AccessEvent.Action.OTP_CHANGE)
    assert_event(
        event,
        response=response,
        action=AccessEvent.Action.OTP_CHANGE,
        outcome=AccessEvent.Outcome.SUCCESS,
        user=world.auditor,
        username=world.auditor.employee_number,
        role="auditor",
        station=None,
        client_ip="192.0.2.60",
        started=started,
        secrets=(code, device.key, b32encode(device.bin_key).decode()),
    )
    assert event.summary == "二要素認証の端末を登録"


def test_a_wrong_code_at_setup_is_refused_in_japanese_and_recorded(client, world):
    sign_in(client, world.auditor.employee_number)
    client.get(SETUP_URL)
    device = pending_device(world.auditor)
    started = timezone.now()
    code = wrong_code_for(device)

    response = client.post(SETUP_URL, {"token": code}, REMOTE_ADDR="192.0.2.61")

    assert response.status_code == 200
    assert "確認コードが正しくありません。" in response.content.decode()
    assert not pending_device(world.auditor).confirmed
    assert client.get("/").status_code == 302
    assert_event(
        AccessEvent.objects.get(action=AccessEvent.Action.OTP_FAILED),
        response=response,
        action=AccessEvent.Action.OTP_FAILED,
        outcome=AccessEvent.Outcome.FAILURE,
        user=world.auditor,
        username=world.auditor.employee_number,
        role="auditor",
        station=None,
        client_ip="192.0.2.61",
        started=started,
        secrets=(code,),
    )


def test_an_hq_user_with_a_device_enters_the_code_and_goes_where_he_was_going(client, world):
    device = TOTPDevice.objects.create(user=world.overall_manager, name="端末", confirmed=True)
    sign_in(client, world.overall_manager.employee_number)

    held = client.get("/people/")
    assert held["Location"] == f"{VERIFY_URL}?next=%2Fpeople%2F"
    form = client.get(held["Location"])
    assert form.status_code == 200
    assert "6桁の確認コード" in form.content.decode()
    assert_csp_clean(form)

    response = client.post(VERIFY_URL, {"token": code_for(device), "next": "/people/"})

    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert client.get("/").status_code == 200


def test_the_code_page_never_sends_to_another_site(client, world):
    device = TOTPDevice.objects.create(user=world.auditor, name="端末", confirmed=True)
    sign_in(client, world.auditor.employee_number)

    response = client.post(VERIFY_URL, {"token": code_for(device), "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_a_wrong_code_is_refused_in_japanese_and_recorded_without_the_code(client, world):
    device = TOTPDevice.objects.create(user=world.auditor, name="端末", confirmed=True)
    sign_in(client, world.auditor.employee_number)
    started = timezone.now()
    code = wrong_code_for(device)

    response = client.post(VERIFY_URL, {"token": code}, REMOTE_ADDR="192.0.2.62")

    assert response.status_code == 200
    assert "確認コードが正しくありません。" in response.content.decode()
    assert client.get("/").status_code == 302
    assert_event(
        AccessEvent.objects.get(action=AccessEvent.Action.OTP_FAILED),
        response=response,
        action=AccessEvent.Action.OTP_FAILED,
        outcome=AccessEvent.Outcome.FAILURE,
        user=world.auditor,
        username=world.auditor.employee_number,
        role="auditor",
        station=None,
        client_ip="192.0.2.62",
        started=started,
        secrets=(code,),
    )


def test_after_a_wrong_code_even_the_right_one_must_wait(client, world):
    device = TOTPDevice.objects.create(user=world.auditor, name="端末", confirmed=True)
    sign_in(client, world.auditor.employee_number)
    client.post(VERIFY_URL, {"token": wrong_code_for(device)})

    throttled = client.post(VERIFY_URL, {"token": code_for(device)})

    assert "秒ほど待ってから入力してください。" in throttled.content.decode()
    assert client.get("/").status_code == 302
    end_throttle(device)
    assert client.post(VERIFY_URL, {"token": code_for(device)})["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("token", ["", "abc", "12345", "1234567", "12 34 5a", "'; DROP"])
def test_a_code_that_is_not_six_digits_is_named_as_such(client, world, token):
    device = TOTPDevice.objects.create(user=world.auditor, name="端末", confirmed=True)
    sign_in(client, world.auditor.employee_number)

    response = client.post(VERIFY_URL, {"token": token})

    assert response.status_code == 200
    errors = response.context["form"].errors["token"]
    assert errors in (
        ["確認コードを入力してください。"],
        ["確認コードは6桁の数字で入力してください。"],
    )
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_code_typed_in_full_width_or_with_a_space_is_accepted(client, world):
    device = TOTPDevice.objects.create(user=world.auditor, name="端末", confirmed=True)
    sign_in(client, world.auditor.employee_number)
    code = code_for(device)
    typed = code[:3] + " " + code[3:].translate(str.maketrans("0123456789", "０１２３４５６７８９"))

    response = client.post(VERIFY_URL, {"token": typed})

    assert response["Location"] == "/"


def test_a_code_cannot_be_used_twice(client, world):
    device = TOTPDevice.objects.create(user=world.auditor, name="端末", confirmed=True)
    code = code_for(device)
    sign_in(client, world.auditor.employee_number)
    assert client.post(VERIFY_URL, {"token": code})["Location"] == "/"

    from django.test import Client

    other = Client()
    sign_in(other, world.auditor.employee_number)
    response = other.post(VERIFY_URL, {"token": code})

    assert response.status_code == 200
    assert other.get("/").status_code == 302


def test_other_roles_need_no_second_factor_by_default(client, world):
    response = sign_in(client, world.beat_officer.employee_number)

    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


@override_settings(OTP_REQUIRED_FOR_ALL=True)
def test_the_setting_requires_the_second_factor_from_everyone(client, world):
    response = sign_in(client, world.beat_officer.employee_number)

    assert response["Location"] == VERIFY_URL
    assert client.get("/").status_code == 302


def test_a_password_alone_cannot_replace_an_enrolled_device(client, world):
    TOTPDevice.objects.create(user=world.auditor, name="端末", confirmed=True)
    sign_in(client, world.auditor.employee_number)

    response = client.get(SETUP_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)
    assert client.post(SETUP_URL, {"token": "123456"}).status_code == 302
    assert list(
        TOTPDevice.objects.filter(user=world.auditor).values_list("confirmed", flat=True)
    ) == [True]


def test_a_verified_user_replaces_the_device_from_the_link(client, world, login):
    login(world.auditor)
    old = TOTPDevice.objects.get(user=world.auditor, confirmed=True)
    page = client.get("/password/").content.decode()
    assert f'href="{SETUP_URL}"' in page
    assert "認証アプリの端末を変更する" in page

    setup = client.get(SETUP_URL)
    assert "認証アプリの変更" in setup.content.decode()
    new = pending_device(world.auditor)
    response = client.post(SETUP_URL, {"token": code_for(new)})

    assert response["Location"] == "/"
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()  # the lost phone stops working
    new.refresh_from_db()
    assert new.confirmed
    assert client.get("/").status_code == 200  # still verified, with the new device
    event = AccessEvent.objects.get(action=AccessEvent.Action.OTP_CHANGE)
    assert event.summary == "二要素認証の端末を変更"
    assert event.user == world.auditor
    assert event.request_id == response["X-Request-ID"]


# --- Sign-in history: a password without its second factor is not a sign-in (issue 10) ---


def _history(client) -> str:
    html = client.get("/").content.decode()
    return html.split("最近のサインインの記録")[1].split("</table>")[0]


def test_a_right_password_with_a_wrong_code_is_a_failure_in_the_history(client, world):
    device = TOTPDevice.objects.create(user=world.overall_manager, name="端末", confirmed=True)
    sign_in(client, world.overall_manager.employee_number)
    client.post(VERIFY_URL, {"token": wrong_code_for(device)})
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.LOGIN).exists()

    # The next day he signs in properly and reads his history.
    end_throttle(device)
    other = type(client)()
    sign_in(other, world.overall_manager.employee_number)
    other.post(VERIFY_URL, {"token": code_for(device, 1)})
    rows = _history(other)
    assert rows.count(">成功<") == 1  # today's, completed
    assert "失敗</span>（確認コードの誤り）" in rows
    assert "失敗</span>（二要素認証が未完了）" in rows  # yesterday's password step
    login = AccessEvent.objects.get(action=AccessEvent.Action.LOGIN)
    assert login.summary == "二要素認証を完了"


def test_a_completed_two_factor_sign_in_shows_once_as_a_success(client, world):
    device = TOTPDevice.objects.create(user=world.overall_manager, name="端末", confirmed=True)
    sign_in(client, world.overall_manager.employee_number)
    pending = AccessEvent.objects.get(action=AccessEvent.Action.LOGIN_PENDING)
    assert pending.outcome == AccessEvent.Outcome.FAILURE
    client.post(VERIFY_URL, {"token": code_for(device)})
    login = AccessEvent.objects.get(action=AccessEvent.Action.LOGIN)
    assert login.object_id == str(pending.pk)
    rows = _history(client)
    assert rows.count(">成功<") == 1
    assert ">失敗<" not in rows


def test_without_a_second_factor_the_password_is_the_sign_in(client, world):
    sign_in(client, world.beat_officer.employee_number)
    assert AccessEvent.objects.filter(action=AccessEvent.Action.LOGIN).count() == 1
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.LOGIN_PENDING).exists()
    assert _history(client).count(">成功<") == 1
