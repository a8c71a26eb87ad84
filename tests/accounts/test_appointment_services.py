"""人事異動: starting and ending appointments grants and revokes exactly their permissions."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts import permissions, services
from accounts.exceptions import DomainError, TransitionError
from accounts.models import (
    AccessEvent,
    Appointment,
    BeatUserObjectPermission,
    Role,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_chief_sees_every_beat_of_his_station_and_none_of_another(world):
    beats = set(permissions.beats_for(world.chief))
    assert beats == {world.beat_a1_1, world.beat_a1_2, world.beat_a2_1}
    assert permissions.has_perm(world.chief, "approve_night_visits", world.station_a)
    assert not permissions.has_perm(world.chief, "approve_night_visits", world.station_b)


def test_beat_officer_sees_only_his_assigned_beat(world):
    assert list(permissions.beats_for(world.beat_officer)) == [world.beat_a1_1]
    assert permissions.has_perm(world.beat_officer, "record_visits", world.beat_a1_1)
    assert not permissions.has_perm(world.beat_officer, "export_beat_cards", world.beat_a1_1)


def test_supervisor_sees_the_beats_of_his_post(world):
    assert set(permissions.beats_for(world.supervisor)) == {world.beat_a1_1, world.beat_a1_2}


def test_overall_manager_reads_all_beats_but_writes_none(world):
    assert permissions.beats_for(world.overall_manager).count() == 4
    assert not permissions.beats_for(world.overall_manager, "change_beat_cards").exists()


def test_auditor_and_staff_see_no_card_book(world):
    assert not permissions.beats_for(world.auditor).exists()
    assert not permissions.beats_for(world.staff).exists()
    assert permissions.has_perm(world.staff, "submit_cards", world.station_a)


def test_a_new_beat_joins_the_scope_of_the_roles_above_it(world):
    beat = services.beat_create(actor=None, post=world.post_a1, name="第3受持区")
    assert beat in permissions.beats_for(world.chief)
    assert beat in permissions.beats_for(world.supervisor)
    assert beat not in permissions.beats_for(world.beat_officer)
    assert beat not in permissions.beats_for(world.other_officer)


def test_model_wide_permission_never_widens_scope(world):
    from django.contrib.auth.models import Permission

    world.beat_officer.user_permissions.add(Permission.objects.get(codename="view_beat_cards"))
    fresh = type(world.beat_officer).objects.get(pk=world.beat_officer.pk)
    assert list(permissions.beats_for(fresh)) == [world.beat_a1_1]


def test_superuser_gets_no_cards_for_free(world):
    root = UserFactory(employee_number="999999", is_superuser=True, is_staff=True)
    assert not permissions.beats_for(root).exists()
    assert not permissions.has_perm(root, "view_beat_cards", world.beat_a1_1)


def test_ending_an_appointment_leaves_no_permission_behind(world):
    officer = world.beat_officer
    appointment = Appointment.objects.get(user=officer, role=Role.BEAT_OFFICER)
    services.appointment_end(actor=world.overall_manager, appointment=appointment, reason="異動")

    fresh = type(officer).objects.get(pk=officer.pk)
    assert not permissions.beats_for(fresh).exists()
    assert not permissions.has_perm(fresh, "break_glass", world.station_a)
    assert fresh.groups.count() == 0
    assert not BeatUserObjectPermission.objects.filter(user=fresh).exists()
    assert not fresh.beat_assignments.filter(revoked_at__isnull=True).exists()
    # Every session of his ends: the session hash changed.
    assert fresh.get_session_auth_hash() != officer.get_session_auth_hash()
    event = AccessEvent.objects.filter(action=AccessEvent.Action.APPOINTMENT_CHANGE).first()
    assert event.user == world.overall_manager
    assert event.object_id == str(appointment.pk)


def test_a_person_can_hold_several_appointments_and_keep_the_other(world):
    chief = world.chief
    services.appointment_start(
        actor=None,
        user=chief,
        role=Role.SUPERVISOR,
        unit=world.post_a2,
        starts_on=timezone.localdate(),
    )
    chief_appointment = Appointment.objects.get(user=chief, role=Role.CHIEF)
    services.appointment_end(actor=None, appointment=chief_appointment)
    fresh = type(chief).objects.get(pk=chief.pk)
    assert list(permissions.beats_for(fresh)) == [world.beat_a2_1]
    assert not permissions.has_perm(fresh, "approve_night_visits", world.station_a)


def test_a_future_appointment_takes_effect_on_its_date(world):
    person = UserFactory(employee_number="555001")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    appointment = services.appointment_start(
        actor=None, user=person, role=Role.CHIEF, unit=world.station_b, starts_on=tomorrow
    )
    assert appointment.granted_at is None
    assert not permissions.beats_for(person).exists()

    services.appointments_apply_due(today=tomorrow)

    fresh = type(person).objects.get(pk=person.pk)
    assert set(permissions.beats_for(fresh)) == {world.beat_b1_1}


def test_an_end_date_in_the_future_revokes_when_it_has_passed(world):
    appointment = Appointment.objects.get(user=world.supervisor)
    end = timezone.localdate() + dt.timedelta(days=3)
    services.appointment_end(actor=None, appointment=appointment, ends_on=end)
    assert permissions.beats_for(type(world.supervisor).objects.get(pk=world.supervisor.pk))

    services.appointments_apply_due(today=end + dt.timedelta(days=1))

    fresh = type(world.supervisor).objects.get(pk=world.supervisor.pk)
    assert not permissions.beats_for(fresh).exists()


def test_a_role_at_the_wrong_level_is_refused_with_a_reason(world):
    person = UserFactory(employee_number="555002")
    with pytest.raises(Exception) as caught:
        services.appointment_start(
            actor=None,
            user=person,
            role=Role.CHIEF,
            unit=world.post_a1,
            starts_on=timezone.localdate(),
        )
    assert "管理主任者は警察署に発令してください" in str(caught.value)
    assert not Appointment.objects.filter(user=person).exists()


def test_ending_twice_is_refused(world):
    appointment = Appointment.objects.get(user=world.staff)
    services.appointment_end(actor=None, appointment=appointment)
    with pytest.raises(TransitionError):
        services.appointment_end(actor=None, appointment=appointment)


def test_beat_assignment_needs_a_beat_officer_appointment_at_that_post(world):
    with pytest.raises(DomainError) as caught:
        services.beat_assignment_start(
            actor=None,
            officer=world.beat_officer,
            beat=world.beat_b1_1,
            starts_on=timezone.localdate(),
        )
    assert "受持警察官の発令がありません" in caught.value.message


def test_appointment_history_keeps_who_and_why(world):
    appointment = Appointment.objects.get(user=world.staff)
    services.appointment_end(actor=world.overall_manager, appointment=appointment, reason="退職")
    last = appointment.history.first()
    assert last.history_user == world.overall_manager
    assert last.history_change_reason == "退職"
