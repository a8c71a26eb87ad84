"""Five failures in a row lock the account for 30 minutes (django-axes), for known and
unknown 職員番号 alike; HQ can lift the lock early."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from accounts import services
from accounts.models import AccessEvent
from tests.accounts.test_sign_in import assert_csp_clean, assert_event, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED_HEADING = "アカウントがロックされています"


def fail(client, username: str, times: int, **extra):
    response = None
    for attempt in range(times):
        response = sign_in(client, username, f"wrong-{attempt}", **extra)
    return response


def move_attempts_back(by: dt.timedelta) -> None:
    """What the passing of time does to the failures axes counts (no sleeping)."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= by
        attempt.save(update_fields=["attempt_time"])


def test_four_failures_still_leave_the_form(client, world):
    response = fail(client, world.beat_officer.employee_number, 4)

    assert response.status_code == 200
    assert LOCKED_HEADING not in response.content.decode()
    assert sign_in(client, world.beat_officer.employee_number).status_code == 302


def test_the_fifth_failure_locks_with_a_clear_page(client, world):
    response = fail(client, world.beat_officer.employee_number, 5)

    assert response.status_code == 403
    page = response.content.decode()
    assert LOCKED_HEADING in page
    assert "30分" in page
    assert "本部の担当者にロックの解除を依頼" in page
    assert_csp_clean(response)


def test_the_right_password_is_refused_while_locked(client, world):
    number = world.beat_officer.employee_number
    fail(client, number, 5)

    response = sign_in(client, number)

    assert response.status_code == 403
    assert LOCKED_HEADING in response.content.decode()
    assert client.get("/").status_code == 302  # not signed in
    refused = AccessEvent.objects.filter(action=AccessEvent.Action.LOGIN_FAILED).first()
    assert refused.outcome == AccessEvent.Outcome.DENIED
    assert refused.summary == "ロック中のため拒否"


def test_a_success_resets_the_count_so_only_consecutive_failures_lock(client, world):
    number = world.beat_officer.employee_number
    fail(client, number, 4)
    sign_in(client, number)
    client.post("/logout/")

    response = fail(client, number, 4)

    assert response.status_code == 200
    assert sign_in(client, number).status_code == 302


def test_the_lock_is_recorded_once_with_who_and_where(client, world):
    started = timezone.now()
    number = world.beat_officer.employee_number

    response = fail(client, number, 5, REMOTE_ADDR="203.0.113.9")
    sign_in(client, number, REMOTE_ADDR="203.0.113.9")  # refused: no second lock event

    lock = AccessEvent.objects.get(action=AccessEvent.Action.LOCKOUT)
    assert_event(
        lock,
        response=response,
        action=AccessEvent.Action.LOCKOUT,
        outcome=AccessEvent.Outcome.DENIED,
        user=world.beat_officer,
        username=number,
        role="beat_officer",
        station=world.station_a,
        client_ip="203.0.113.9",
        started=started,
        secrets=(PASSWORD, "wrong-4"),
    )
    failures = AccessEvent.objects.filter(action=AccessEvent.Action.LOGIN_FAILED)
    assert failures.filter(outcome=AccessEvent.Outcome.FAILURE).count() == 5
    assert failures.filter(outcome=AccessEvent.Outcome.DENIED).count() == 1


def test_an_unknown_number_is_locked_and_answered_the_same(client, world):
    known = fail(client, world.beat_officer.employee_number, 5)
    unknown = fail(client, "777777", 5)

    assert unknown.status_code == known.status_code == 403
    assert LOCKED_HEADING in unknown.content.decode()
    lock = AccessEvent.objects.get(action=AccessEvent.Action.LOCKOUT, username="777777")
    assert lock.user is None
    # The lock is per account: another officer is not affected.
    assert sign_in(client, world.chief.employee_number).status_code == 302


def test_the_lock_follows_the_account_from_any_machine(client, world):
    number = world.beat_officer.employee_number
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"):
        response = sign_in(client, number, "wrong", REMOTE_ADDR=address)

    assert response.status_code == 403
    assert sign_in(client, number, REMOTE_ADDR="192.0.2.99").status_code == 403


def test_hq_unlocks_and_the_officer_signs_in_again(client, world):
    number = world.beat_officer.employee_number
    fail(client, number, 5)

    services.user_unlock(actor=world.overall_manager, user=world.beat_officer)

    response = sign_in(client, number)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    unlock = AccessEvent.objects.get(action=AccessEvent.Action.UNLOCK)
    assert unlock.user == world.overall_manager
    assert unlock.object_id == str(world.beat_officer.pk)


def test_the_lock_still_holds_just_before_thirty_minutes(client, world):
    number = world.beat_officer.employee_number
    fail(client, number, 5)

    move_attempts_back(dt.timedelta(minutes=29))

    assert sign_in(client, number).status_code == 403


def test_the_lock_ends_by_itself_after_thirty_minutes(client, world):
    number = world.beat_officer.employee_number
    fail(client, number, 5)

    move_attempts_back(dt.timedelta(minutes=30, seconds=1))

    response = sign_in(client, number)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    # And the count starts again from zero: one new failure does not lock.
    client.post("/logout/")
    assert sign_in(client, number, "wrong").status_code == 200
