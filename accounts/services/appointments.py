"""Appointments (人事異動) and beat assignments (受持警察官の指定): starting and ending them,
the daily task that grants what starts and revokes what ended, and the guardian grants and
revocations that keep permissions in step (accounts.permissions does the granting)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..exceptions import DomainError, TransitionError
from ..models import (
    AccessEvent,
    Appointment,
    Beat,
    BeatAssignment,
    Department,
    Division,
    Headquarters,
    Post,
    Role,
    Station,
    User,
)
from ..utils.history import history_save
from .access import access_event_record
from .users import _end_sessions

Unit = Headquarters | Station | Post


def _today() -> dt.date:
    return timezone.localdate()


# --- Appointments (人事異動) --------------------------------------------------------------


def _unit_kwargs(unit: Unit) -> dict[str, Unit]:
    field = {Headquarters: "headquarters", Station: "station", Post: "post"}[type(unit)]
    return {field: unit}


def _grant(appointment: Appointment) -> None:
    group = permissions.role_group_for(
        appointment.role, appointment.unit, department=appointment.department
    )
    appointment.user.groups.add(group)
    appointment.granted_at = timezone.now()
    appointment._change_reason = "権限の付与"
    appointment.save(update_fields=["granted_at"])
    permissions.grants_changed(appointment.user)


def _revoke(appointment: Appointment, *, actor: User | None, reason: str) -> None:
    appointment.revoked_at = timezone.now()
    appointment._history_user = actor
    appointment._change_reason = reason
    appointment.save(update_fields=["revoked_at", "ends_on"])
    department = permissions.group_department(appointment.role, appointment.department)
    still_held = Appointment.objects.filter(
        user=appointment.user,
        role=appointment.role,
        granted_at__isnull=False,
        revoked_at__isnull=True,
        **_unit_kwargs(appointment.unit),
        **({"department": department} if department else {}),
    ).exists()
    if not still_held:
        group = permissions.role_group_for(appointment.role, appointment.unit, department)
        appointment.user.groups.remove(group)
    permissions.grants_changed(appointment.user)
    if appointment.role == Role.BEAT_OFFICER:
        # Leaving the post ends the beats held there.
        for assignment in BeatAssignment.objects.filter(
            officer=appointment.user, beat__post=appointment.post, revoked_at__isnull=True
        ):
            beat_assignment_end(actor=actor, assignment=assignment, ends_on=appointment.ends_on)
    _end_sessions(appointment.user)


def _log_appointment(actor: User | None, appointment: Appointment, summary: str) -> None:
    access_event_record(
        user=actor,
        action=AccessEvent.Action.APPOINTMENT_CHANGE,
        obj=appointment,
        station=appointment.unit_station,
        summary=summary,
    )


@transaction.atomic
def appointment_start(
    *,
    actor: User | None,
    user: User,
    role: str,
    unit: Unit,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    department: Department | None = None,
    division: Division | None = None,
    note: str = "",
) -> Appointment:
    """発令: permissions are granted at once if the start date has come, else by the daily
    task on that date."""
    if not user.is_active:
        raise DomainError("無効な職員には発令できません。", field="user")
    open_same = Appointment.objects.filter(
        user=user, role=role, division=division, revoked_at__isnull=True, **_unit_kwargs(unit)
    )
    if open_same.exists():
        # A double-clicked submit must not make two appointments.
        raise DomainError("この職員にはすでに同じ役職・所属の発令があります。", field="role")
    appointment = Appointment(
        user=user,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        department=department,
        division=division,
        note=note,
        **_unit_kwargs(unit),
    )
    history_save(appointment, actor=actor, reason="発令")
    today = _today()
    if starts_on <= today and (ends_on is None or ends_on >= today):
        _grant(appointment)
    _log_appointment(actor, appointment, f"発令 {Role(role).label}")
    return appointment


@transaction.atomic
def appointment_end(
    *,
    actor: User | None,
    appointment: Appointment,
    ends_on: dt.date | None = None,
    reason: str = "",
) -> Appointment:
    """The appointment ends on `ends_on` (today if not given). Ending it today or earlier
    revokes its permissions and signs the person out now."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.revoked_at is not None:
        raise TransitionError("この発令はすでに終了しています。")
    today = _today()
    ends_on = ends_on or today
    if ends_on < appointment.starts_on:
        raise DomainError("終了日は発令日以降の日付にしてください。", field="ends_on")
    appointment.ends_on = ends_on
    if ends_on <= today:
        if appointment.granted_at is None:
            # Never took effect: mark it ended without granting anything.
            appointment.granted_at = timezone.now()
        _revoke(appointment, actor=actor, reason=reason or "発令の終了")
    else:
        appointment._history_user = actor
        appointment._change_reason = reason or "終了日の設定"
        appointment.save(update_fields=["ends_on"])
    _log_appointment(actor, appointment, f"終了 {appointment.get_role_display()}")
    return appointment


def appointments_apply_due(*, today: dt.date | None = None) -> tuple[int, int]:
    """Grant what starts by today and revoke what ended before today. Returns the counts."""
    today = today or _today()
    granted = revoked = 0
    due_start = Appointment.objects.filter(
        granted_at__isnull=True, revoked_at__isnull=True, starts_on__lte=today
    ).exclude(ends_on__lt=today)
    for pk in due_start.values_list("pk", flat=True):
        with transaction.atomic():
            appointment = Appointment.objects.select_for_update().get(pk=pk)
            if appointment.granted_at is None and appointment.user.is_active:
                _grant(appointment)
                granted += 1
    due_end = Appointment.objects.filter(revoked_at__isnull=True, ends_on__lt=today)
    for pk in due_end.values_list("pk", flat=True):
        with transaction.atomic():
            appointment = Appointment.objects.select_for_update().get(pk=pk)
            if appointment.revoked_at is None:
                if appointment.granted_at is None:
                    appointment.granted_at = timezone.now()
                _revoke(appointment, actor=None, reason="終了日の経過")
                revoked += 1
    for assignment in BeatAssignment.objects.filter(
        granted_at__isnull=True, revoked_at__isnull=True, starts_on__lte=today
    ).exclude(ends_on__lt=today):
        with transaction.atomic():
            _assignment_grant(assignment)
    for assignment in BeatAssignment.objects.filter(revoked_at__isnull=True, ends_on__lt=today):
        with transaction.atomic():
            _assignment_revoke(assignment, actor=None, reason="終了日の経過")
    return granted, revoked


# --- Beat assignments (受持警察官の指定) -------------------------------------------------------


def _assignment_grant(assignment: BeatAssignment) -> None:
    permissions.grant_assignment(assignment.officer, assignment.beat)
    assignment.granted_at = timezone.now()
    assignment.save(update_fields=["granted_at"])


def _assignment_revoke(assignment: BeatAssignment, *, actor: User | None, reason: str) -> None:
    if assignment.granted_at is None:
        assignment.granted_at = timezone.now()
    assignment.revoked_at = timezone.now()
    assignment._history_user = actor
    assignment._change_reason = reason
    assignment.save(update_fields=["granted_at", "revoked_at", "ends_on"])
    still_held = BeatAssignment.objects.filter(
        officer=assignment.officer,
        beat=assignment.beat,
        granted_at__isnull=False,
        revoked_at__isnull=True,
    ).exists()
    if not still_held:
        permissions.revoke_assignment(assignment.officer, assignment.beat)


@transaction.atomic
def beat_assignment_start(
    *,
    actor: User | None,
    officer: User,
    beat: Beat,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> BeatAssignment:
    holds_post = Appointment.objects.filter(
        user=officer, role=Role.BEAT_OFFICER, post=beat.post_id, revoked_at__isnull=True
    ).exists()
    if not holds_post:
        raise DomainError(
            f"{officer.full_name}さんには{beat.post.name}の受持警察官の発令がありません。"
            "先に発令を登録してください。",
            field="officer",
        )
    if BeatAssignment.objects.filter(officer=officer, beat=beat, revoked_at__isnull=True).exists():
        raise DomainError("この受持区にはすでに指定されています。", field="beat")
    assignment = BeatAssignment(officer=officer, beat=beat, starts_on=starts_on, ends_on=ends_on)
    history_save(assignment, actor=actor, reason="受持警察官の指定")
    today = _today()
    if starts_on <= today and (ends_on is None or ends_on >= today):
        _assignment_grant(assignment)
    access_event_record(
        user=actor,
        action=AccessEvent.Action.APPOINTMENT_CHANGE,
        obj=assignment,
        station=beat.post.station,
        summary="受持警察官の指定",
    )
    return assignment


@transaction.atomic
def beat_assignment_end(
    *,
    actor: User | None,
    assignment: BeatAssignment,
    ends_on: dt.date | None = None,
    reason: str = "",
) -> BeatAssignment:
    assignment = BeatAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.revoked_at is not None:
        raise TransitionError("この指定はすでに終了しています。")
    today = _today()
    ends_on = ends_on or today
    if ends_on < assignment.starts_on:
        raise DomainError("終了日は指定日以降の日付にしてください。", field="ends_on")
    assignment.ends_on = ends_on
    if ends_on <= today:
        _assignment_revoke(assignment, actor=actor, reason=reason or "指定の終了")
    else:
        assignment._history_user = actor
        assignment._change_reason = reason or "終了日の設定"
        assignment.save(update_fields=["ends_on"])
    access_event_record(
        user=actor,
        action=AccessEvent.Action.APPOINTMENT_CHANGE,
        obj=assignment,
        station=assignment.beat.post.station,
        summary="受持警察官の指定の終了",
    )
    return assignment
