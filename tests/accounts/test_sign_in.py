"""Signing in with 職員番号 and password: the page, the answers, the redirect, the session
and the access-log events it leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.urls import path, reverse
from django.utils import timezone

from accounts.models import AccessEvent, Station, User
from accounts.views import auth as auth_views
from config.urls import urlpatterns as project_urlpatterns
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.html import by_label, field_error

LOGIN_URL = "/login/"
INVALID = "職員番号またはパスワードが正しくありません。"

# Used by test_the_admin_sign_in_sends_people_to_the_one_sign_in_page: the project's URLs
# with the one line this slice asks config/urls.py to add.
urlpatterns = [path("admin/login/", auth_views.admin_login), *project_urlpatterns]


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def assert_event(
    event: AccessEvent,
    *,
    response,
    action: str,
    outcome: str,
    user: User | None,
    username: str,
    role: str,
    station: Station | None,
    client_ip: str,
    started: dt.datetime,
    secrets: tuple[str, ...] = (PASSWORD,),
) -> None:
    """Every field an auditor reads, and no secret anywhere in the row."""
    assert event.action == action
    assert event.outcome == outcome
    assert event.user == user
    assert event.username == username
    assert event.role == role
    assert event.station == station
    assert event.client_ip == client_ip
    assert event.request_id == response["X-Request-ID"]
    assert event.request_id
    assert event.occurred_at.utcoffset() == dt.timedelta(0)
    assert started <= event.occurred_at <= timezone.now()
    stored = " ".join(str(getattr(event, f.attname)) for f in AccessEvent._meta.concrete_fields)
    for secret in secrets:
        assert secret not in stored


@pytest.mark.smoke
@pytest.mark.django_db
def test_the_sign_in_page_asks_for_number_and_password_in_japanese(client):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert by_label(page, "職員番号")["name"] == "username"
    assert by_label(page, "パスワード")["type"] == "password"
    assert 'autocomplete="current-password"' in page
    assert response["X-Request-ID"]


@pytest.mark.smoke
@pytest.mark.django_db
def test_a_correct_number_and_password_signs_in_and_opens_the_home_page(client):
    officer = UserFactory(employee_number="200001", full_name="巡査 一郎")

    response = sign_in(client, "200001")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert "巡査 一郎" in home.content.decode()
    assert home.wsgi_request.user == officer


@pytest.mark.smoke
@pytest.mark.django_db
def test_full_width_digits_from_a_japanese_keyboard_are_accepted(client):
    UserFactory(employee_number="200002")

    response = sign_in(client, "２００００２")

    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_wrong_password_and_an_unknown_number_get_the_same_answer(client):
    UserFactory(employee_number="200003")

    wrong_password = sign_in(client, "200003", "not-the-password")
    unknown_user = sign_in(client, "299999", "not-the-password")

    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [INVALID]
        assert f"エラー：{INVALID}" in response.content.decode()
        assert not response.wsgi_request.user.is_authenticated
    # Nothing but the request id differs between the two pages.
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors


@pytest.mark.django_db
def test_a_disabled_account_gets_the_same_answer_as_a_wrong_password(client):
    UserFactory(employee_number="200004", is_active=False)

    response = sign_in(client, "200004")

    assert response.context["form"].non_field_errors() == [INVALID]
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_empty_fields_are_named_in_japanese(client):
    response = client.post(LOGIN_URL, {"username": "", "password": ""})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["username"] == ["職員番号を入力してください。"]
    assert errors["password"] == ["パスワードを入力してください。"]
    page = response.content.decode()
    # The error is read out with its field by a screen reader.
    assert field_error(page, "職員番号") == "エラー：職員番号を入力してください。"
    assert 'aria-describedby="id_username_error"' in page
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize(
    "username",
    ["x" * 500, "abc\x00def", "' OR 1=1 --", "<script>alert(1)</script>", "職員"],
)
@pytest.mark.django_db
def test_odd_input_is_answered_as_a_form_error_never_a_crash(client, username):
    response = sign_in(client, username, "whatever")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/people/?page=2", "/people/?page=2"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
@pytest.mark.django_db
def test_next_is_followed_only_within_this_site(client, next_url, expected):
    UserFactory(employee_number="200005")

    response = client.post(
        f"{LOGIN_URL}?next={next_url}", {"username": "200005", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
def test_the_next_field_of_the_form_carries_the_target_through_a_failed_attempt(client):
    UserFactory(employee_number="200006")

    failed = client.get(f"{LOGIN_URL}?next=/people/")
    assert 'name="next" value="/people/"' in failed.content.decode()
    response = client.post(
        LOGIN_URL, {"username": "200006", "password": PASSWORD, "next": "/people/"}
    )

    assert response["Location"] == "/people/"


@pytest.mark.django_db
def test_signing_in_gives_a_new_session_key(client):
    UserFactory(employee_number="200007")
    # A session an attacker could have planted before sign-in.
    session = client.session
    session["planted"] = "yes"
    session.save()
    before = session.session_key

    sign_in(client, "200007")

    after = client.session.session_key
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_signed_in_user_opening_the_sign_in_page_goes_home(client):
    UserFactory(employee_number="200008")
    sign_in(client, "200008")

    response = client.get(LOGIN_URL)

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_sign_in_is_recorded_with_who_where_and_which_request(client, world):
    started = timezone.now()

    response = sign_in(client, world.chief.employee_number, REMOTE_ADDR="192.0.2.44")

    event = AccessEvent.objects.get(action=AccessEvent.Action.LOGIN)
    assert_event(
        event,
        response=response,
        action=AccessEvent.Action.LOGIN,
        outcome=AccessEvent.Outcome.SUCCESS,
        user=world.chief,
        username=world.chief.employee_number,
        role="chief",
        station=world.station_a,
        client_ip="192.0.2.44",
        started=started,
    )


@pytest.mark.django_db
def test_a_failed_sign_in_of_an_existing_number_names_the_employee(client, world):
    started = timezone.now()

    response = sign_in(
        client, world.beat_officer.employee_number, "wrong-guess-123", REMOTE_ADDR="198.51.100.7"
    )

    event = AccessEvent.objects.get(action=AccessEvent.Action.LOGIN_FAILED)
    assert_event(
        event,
        response=response,
        action=AccessEvent.Action.LOGIN_FAILED,
        outcome=AccessEvent.Outcome.FAILURE,
        user=world.beat_officer,
        username=world.beat_officer.employee_number,
        role="beat_officer",
        station=world.station_a,
        client_ip="198.51.100.7",
        started=started,
        secrets=("wrong-guess-123",),
    )


@pytest.mark.django_db
def test_a_failed_sign_in_of_an_unknown_number_keeps_what_was_typed(client, world):
    started = timezone.now()

    response = sign_in(client, "ABC999", "wrong-guess-456", REMOTE_ADDR="198.51.100.8")

    event = AccessEvent.objects.get(action=AccessEvent.Action.LOGIN_FAILED)
    assert_event(
        event,
        response=response,
        action=AccessEvent.Action.LOGIN_FAILED,
        outcome=AccessEvent.Outcome.FAILURE,
        user=None,
        username="ABC999",
        role="",
        station=None,
        client_ip="198.51.100.8",
        started=started,
        secrets=("wrong-guess-456",),
    )


@pytest.mark.django_db
def test_sign_out_is_post_only_and_recorded(client, world):
    sign_in(client, world.chief.employee_number)

    assert client.get("/logout/").status_code == 405
    assert client.get("/").status_code == 200  # a GET (a link, a prefetch) signs nobody out

    started = timezone.now()
    response = client.post("/logout/", REMOTE_ADDR="192.0.2.45")

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert client.get("/").status_code == 302
    page = client.get(LOGIN_URL).content.decode()
    assert "サインアウトしました。" in page
    event = AccessEvent.objects.get(action=AccessEvent.Action.LOGOUT)
    assert_event(
        event,
        response=response,
        action=AccessEvent.Action.LOGOUT,
        outcome=AccessEvent.Outcome.SUCCESS,
        user=world.chief,
        username=world.chief.employee_number,
        role="chief",
        station=world.station_a,
        client_ip="192.0.2.45",
        started=started,
    )


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_the_admin_sign_in_sends_people_to_the_one_sign_in_page(client):
    response = client.get("/admin/")  # the admin sends an anonymous visitor to its login
    assert response.status_code == 302
    admin_login = client.get(response["Location"])

    assert admin_login.status_code == 302
    assert admin_login["Location"] == "/login/?next=%2Fadmin%2F"
    # Its own form cannot be used to try passwords past the lock page.
    posted = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert posted.status_code == 302
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.LOGIN_FAILED).exists()


@pytest.mark.django_db
def test_a_staff_user_needs_the_second_factor_for_the_admin_site(client):
    UserFactory(employee_number="200009", is_staff=True, is_superuser=True)
    sign_in(client, "200009")

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get("/").status_code == 200  # outside the admin, no HQ role: no 2FA


@pytest.mark.django_db
def test_the_sign_in_page_needs_no_inline_script_or_style(client):
    response = sign_in(client, "200010", "wrong")  # the page with its error shown
    assert INVALID in response.content.decode()
    assert_csp_clean(response)


def assert_csp_clean(response) -> None:
    """The page keeps the Content-Security-Policy of the settings (no inline code)."""
    import re

    page = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # only <script src=…>
    assert not re.search(r"<script[^>]*>\s*[^<\s]", page)  # and nothing between the tags
    assert not re.search(r"\sstyle\s*=", page)
    assert "<style" not in page
    assert not re.search(r"\son[a-z]+\s*=", page)  # no onclick=…
