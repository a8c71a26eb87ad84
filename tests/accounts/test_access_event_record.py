"""The access log's one service: what it records, and that it never fails silently."""

from unittest import mock

import pytest
from django.db import DatabaseError

from accounts import services
from accounts.context import client_ip_var, request_id_var
from accounts.models import AccessEvent

pytestmark = pytest.mark.django_db


def test_it_records_who_in_which_role_and_station_what_and_where_from(world):
    id_token = request_id_var.set("abc123def456")
    ip_token = client_ip_var.set("192.0.2.10")
    try:
        event = services.access_event_record(
            user=world.chief, action=AccessEvent.Action.VIEW, obj=world.beat_a1_1
        )
    finally:
        request_id_var.reset(id_token)
        client_ip_var.reset(ip_token)
    event.refresh_from_db()
    assert event.user == world.chief
    assert event.username == world.chief.employee_number
    assert event.role == "chief"
    assert event.station == world.station_a
    assert (event.object_type, event.object_id) == ("accounts.beat", str(world.beat_a1_1.pk))
    assert event.outcome == AccessEvent.Outcome.SUCCESS
    assert event.request_id == "abc123def456"
    assert event.client_ip == "192.0.2.10"
    assert event.occurred_at.utcoffset().total_seconds() == 0  # stored in UTC


def test_a_person_with_two_roles_is_recorded_with_both(world):
    from django.utils import timezone

    from accounts.models import Role

    services.appointment_start(
        actor=None,
        user=world.chief,
        role=Role.ALERT_REVIEWER,
        unit=world.station_a,
        starts_on=timezone.localdate(),
    )
    fresh = type(world.chief).objects.get(pk=world.chief.pk)
    event = services.access_event_record(user=fresh, action=AccessEvent.Action.LIST)
    assert event.role == "alert_reviewer,chief"


def test_a_failed_write_is_not_swallowed(world):
    """No unlogged access: the caller (and so the read) fails when the log cannot be written."""
    with (
        mock.patch.object(AccessEvent, "save", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        services.access_event_record(user=world.chief, action=AccessEvent.Action.VIEW)


def test_the_summary_is_cut_to_its_column_not_refused(world):
    event = services.access_event_record(
        user=world.chief, action=AccessEvent.Action.SEARCH, summary="x" * 500
    )
    assert len(event.summary) == 300


def test_a_refused_page_is_logged_as_a_refusal(world, login):
    from django.urls import reverse

    client = login(world.chief)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    refused = AccessEvent.objects.get(user=world.chief, action=AccessEvent.Action.DENIED)
    assert refused.outcome == AccessEvent.Outcome.DENIED
    assert not refused.out_of_scope
    assert "/people/" in refused.summary


def test_an_object_outside_scope_is_logged_as_out_of_scope(world, login):
    from django.urls import reverse

    client = login(world.chief)
    url = reverse("accounts:user_detail", kwargs={"pk": world.beat_officer.pk})
    assert client.get(url).status_code == 404
    refused = AccessEvent.objects.get(user=world.chief, action=AccessEvent.Action.DENIED)
    assert refused.out_of_scope
    assert (refused.object_type, refused.object_id) == (
        "accounts.user",
        str(world.beat_officer.pk),
    )
