"""Session lifetimes (idle and absolute) and ending every session of a person at once.

Time is moved by rewriting the timestamps the middleware keeps in the session
(last_activity, signed_in_at), never by sleeping.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from accounts import services
from accounts.models import AccessEvent, Appointment
from tests.accounts.test_sign_in import assert_event, sign_in

pytestmark = pytest.mark.django_db

IDLE_MESSAGE_30 = "30分以上操作がなかったため、自動的にサインアウトしました。"
ABSOLUTE_MESSAGE_12 = "サインインから12時間が経過したため、自動的にサインアウトしました。"


def age_session(client, *, idle: dt.timedelta | None = None, since_sign_in=None) -> None:
    """Make the last request `idle` ago and the sign-in `since_sign_in` ago."""
    now = timezone.now()
    session = client.session
    if idle is not None:
        session["last_activity"] = (now - idle).timestamp()
    if since_sign_in is not None:
        session["signed_in_at"] = (now - since_sign_in).timestamp()
    session.save()


@pytest.fixture
def officer_client(client, world):
    sign_in(client, world.beat_officer.employee_number)
    assert client.get("/").status_code == 200
    return client


def test_just_inside_the_idle_limit_the_session_goes_on(officer_client):
    age_session(officer_client, idle=dt.timedelta(minutes=29))

    assert officer_client.get("/").status_code == 200
    # The request counts as activity: another 29 minutes later it still goes on.
    age_session(officer_client, idle=dt.timedelta(minutes=29))
    assert officer_client.get("/").status_code == 200


def test_just_past_the_idle_limit_the_user_is_signed_out_and_told_why(officer_client, world):
    age_session(officer_client, idle=dt.timedelta(minutes=30, seconds=5))
    started = timezone.now()

    response = officer_client.get("/people/?page=2", REMOTE_ADDR="192.0.2.70")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fpeople%2F%3Fpage%3D2"
    login_page = officer_client.get(response["Location"])
    assert IDLE_MESSAGE_30 in login_page.content.decode()
    assert not login_page.wsgi_request.user.is_authenticated
    # Said once, not on every later visit of the page.
    assert IDLE_MESSAGE_30 not in officer_client.get("/login/").content.decode()
    event = AccessEvent.objects.get(action=AccessEvent.Action.SESSION_EXPIRED)
    assert_event(
        event,
        response=response,
        action=AccessEvent.Action.SESSION_EXPIRED,
        outcome=AccessEvent.Outcome.SUCCESS,
        user=world.beat_officer,
        username=world.beat_officer.employee_number,
        role="beat_officer",
        station=world.station_a,
        client_ip="192.0.2.70",
        started=started,
    )
    assert event.summary.startswith(IDLE_MESSAGE_30)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.LOGOUT).exists()


def test_just_inside_the_absolute_limit_the_session_goes_on(officer_client):
    age_session(
        officer_client,
        idle=dt.timedelta(minutes=1),
        since_sign_in=dt.timedelta(hours=11, minutes=59),
    )

    assert officer_client.get("/").status_code == 200


def test_past_the_absolute_limit_even_an_active_session_ends(officer_client):
    age_session(
        officer_client,
        idle=dt.timedelta(seconds=5),
        since_sign_in=dt.timedelta(hours=12, seconds=5),
    )

    response = officer_client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2F"
    assert ABSOLUTE_MESSAGE_12 in officer_client.get(response["Location"]).content.decode()
    assert officer_client.get("/").status_code == 302


def test_the_absolute_limit_counts_from_the_sign_in_not_from_the_first_page(client, world):
    sign_in(client, world.beat_officer.employee_number)
    age_session(
        client, idle=dt.timedelta(seconds=5), since_sign_in=dt.timedelta(hours=12, seconds=5)
    )

    assert client.get("/").status_code == 302


@override_settings(SESSION_IDLE_TIMEOUT=dt.timedelta(minutes=5))
def test_a_shorter_idle_setting_shortens_the_limit(officer_client):
    age_session(officer_client, idle=dt.timedelta(minutes=6))

    response = officer_client.get("/")

    assert response.status_code == 302
    page = officer_client.get(response["Location"]).content.decode()
    assert "5分以上操作がなかったため" in page


@override_settings(SESSION_IDLE_TIMEOUT=dt.timedelta(hours=1))
def test_a_longer_idle_setting_lengthens_the_limit(officer_client):
    age_session(officer_client, idle=dt.timedelta(minutes=45))

    assert officer_client.get("/").status_code == 200


@override_settings(SESSION_ABSOLUTE_TIMEOUT=dt.timedelta(hours=1, minutes=30))
def test_a_shorter_absolute_setting_shortens_the_limit(officer_client):
    age_session(officer_client, since_sign_in=dt.timedelta(hours=1, minutes=20))
    assert officer_client.get("/").status_code == 200

    age_session(officer_client, since_sign_in=dt.timedelta(hours=1, minutes=31))
    response = officer_client.get("/")

    assert response.status_code == 302
    page = officer_client.get(response["Location"]).content.decode()
    assert "サインインから1時間30分が経過したため" in page


def test_an_htmx_request_of_an_expired_session_sends_the_whole_page_to_sign_in(officer_client):
    age_session(officer_client, idle=dt.timedelta(hours=1))

    response = officer_client.get("/", HTTP_HX_REQUEST="true")

    # htmx then loads the sign-in page as a whole page instead of swapping it in.
    assert response["HX-Redirect"] == "/login/"
    assert "サインイン" not in response.content.decode()


def test_a_post_after_expiry_does_nothing_and_asks_to_sign_in(officer_client):
    age_session(officer_client, idle=dt.timedelta(hours=1))

    response = officer_client.post("/password/", {"old_password": "x"})

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.PASSWORD_CHANGE).exists()


def _two_sessions(world) -> tuple[Client, Client]:
    desk, tablet = Client(), Client()
    for client in (desk, tablet):
        sign_in(client, world.beat_officer.employee_number)
        assert client.get("/").status_code == 200
    assert desk.session.session_key != tablet.session.session_key
    return desk, tablet


def test_disabling_the_account_ends_every_session(world):
    desk, tablet = _two_sessions(world)

    services.user_disable(actor=world.overall_manager, user=world.beat_officer, reason="退職")

    for client in (desk, tablet):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_ending_an_appointment_ends_every_session(world):
    desk, tablet = _two_sessions(world)
    appointment = Appointment.objects.get(user=world.beat_officer)

    services.appointment_end(actor=world.overall_manager, appointment=appointment, reason="異動")

    for client in (desk, tablet):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    # The person can sign in again (to the pages the remaining roles allow).
    again = Client()
    sign_in(again, world.beat_officer.employee_number)
    assert again.get("/").status_code == 200


def test_another_persons_sessions_are_left_alone(world):
    desk, _ = _two_sessions(world)
    chief = Client()
    sign_in(chief, world.chief.employee_number)

    services.user_disable(actor=world.overall_manager, user=world.beat_officer, reason="退職")

    assert desk.get("/").status_code == 302
    assert chief.get("/").status_code == 200
