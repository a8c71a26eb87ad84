"""Writes that carry a rule: appointments (人事異動), beat assignments, accounts, the access log.

Keyword-only, the acting user first, one transaction each.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from . import permissions
from .audit import chain
from .context import client_ip_var, request_id_var
from .exceptions import DomainError, TransitionError
from .models import (
    AccessEvent,
    Appointment,
    Beat,
    BeatAssignment,
    Department,
    Headquarters,
    Notice,
    Post,
    Role,
    Station,
    User,
)

Unit = Headquarters | Station | Post


def _today() -> dt.date:
    return timezone.localdate()


# --- Access log ------------------------------------------------------------------------


def access_event_record(
    *,
    user: User | None,
    action: str,
    outcome: str = AccessEvent.Outcome.SUCCESS,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    station: Station | None = None,
    summary: str = "",
    username: str = "",
    out_of_scope: bool = False,
    break_glass: bool = False,
    record_count: int | None = None,
) -> AccessEvent:
    """Record one access event. It raises if it cannot write: no unlogged access.

    The event joins the tamper-evident chain (accounts.audit.chain): on PostgreSQL the
    trigger links it inside this one INSERT, so recording costs no extra query.

    Personal values never go in here: objects by type and id, searches by a summary the
    caller makes (which fields were searched, how many rows came back).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    known_user = user if user is not None and user.is_authenticated else None
    if known_user is not None:
        station = station or permissions.home_station(known_user)
        username = username or known_user.employee_number
    event = AccessEvent(
        user=known_user,
        username=username[:150],
        role=permissions.acting_role(known_user) if known_user else "",
        station=station,
        action=action,
        outcome=outcome,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:300],
        client_ip=client_ip_var.get(),
        request_id=request_id_var.get(),
        out_of_scope=out_of_scope,
        break_glass=break_glass,
        record_count=record_count,
    )
    return chain.append(event)


# --- Notices ---------------------------------------------------------------------------


def notice_send(*, recipients, title: str, url: str = "") -> list[Notice]:
    """Put a notice on each recipient's home page and mail those with an address.

    No personal data goes in a notice: a title that names no resident, and a link.
    The mail is queued after commit; the notice row is the record.
    """
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    notices = Notice.objects.bulk_create(
        Notice(recipient=user, title=title[:200], url=url) for user in people.values()
    )
    mailed = [n.pk for n in notices if people[n.recipient_id].email]
    if mailed:
        from .tasks import notices_mail

        transaction.on_commit(lambda: notices_mail.delay(mailed))
    return notices


def notice_mark_read(*, actor: User, notice: Notice) -> Notice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


# --- Organisation ----------------------------------------------------------------------


@transaction.atomic
def beat_create(*, actor: User | None, post: Post, name: str) -> Beat:
    beat = Beat(post=post, name=name)
    beat.full_clean()
    beat.save()
    permissions.role_groups_sync_for_beat(beat)
    return beat


@transaction.atomic
def post_department_set(*, actor: User | None, post: Post, department: Department | None) -> Post:
    """A post joins one 地域課 of its station (要領 第3-2(4)): from now its beats are that
    department's 地域課長's only (None: every 地域課長 of the station, as with one 地域課)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if department is not None and (
        department.station_id != post.station_id or not department.is_community
    ):
        raise DomainError("交番・駐在所と同じ警察署の地域課を選んでください。", field="department")
    post.department = department
    post.full_clean()
    post.save(update_fields=["department"])
    permissions.role_groups_sync_station(post.station)
    access_event_record(
        user=actor,
        action=AccessEvent.Action.APPOINTMENT_CHANGE,
        obj=post,
        station=post.station,
        summary=f"交番・駐在所の地域課（{department.name if department else '指定なし'}）",
    )
    return post


# --- Accounts --------------------------------------------------------------------------


def _log_account_change(actor: User | None, user: User, summary: str) -> None:
    access_event_record(
        user=actor, action=AccessEvent.Action.ACCOUNT_CHANGE, obj=user, summary=summary
    )


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    employee_number: str,
    full_name: str,
    full_name_kana: str = "",
    email: str = "",
    password: str | None = None,
) -> User:
    user = User(
        employee_number=employee_number,
        full_name=full_name,
        full_name_kana=full_name_kana,
        email=email,
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user._history_user = actor
    user._change_reason = "職員の登録"
    user.save()
    _log_account_change(actor, user, "職員の登録")
    return user


def _end_sessions(user: User) -> None:
    # Every session's auth hash includes session_version; the auth middleware drops them.
    # update() is safe here: session_version is excluded from the history.
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    user.refresh_from_db(fields=["session_version"])


@transaction.atomic
def user_disable(*, actor: User | None, user: User, reason: str) -> User:
    if actor is not None and actor.pk == user.pk:
        raise DomainError("自分のアカウントは無効にできません。", field="reason")
    if not reason.strip():
        raise DomainError("無効にする理由を入力してください。", field="reason")
    if not user.is_active:
        raise TransitionError("この職員はすでに無効です。")
    user.is_active = False
    user._history_user = actor
    user._change_reason = reason
    user.save(update_fields=["is_active"])
    _end_sessions(user)
    _log_account_change(actor, user, "アカウントの無効化")
    return user


@transaction.atomic
def user_enable(*, actor: User | None, user: User, reason: str) -> User:
    if user.is_active:
        raise TransitionError("この職員はすでに有効です。")
    user.is_active = True
    user._history_user = actor
    user._change_reason = reason or "アカウントの有効化"
    user.save(update_fields=["is_active"])
    _log_account_change(actor, user, "アカウントの有効化")
    return user


@transaction.atomic
def totp_device_confirm(*, actor: User, device) -> None:
    """The new authenticator replaces every other one: a lost phone stops working at once."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def user_unlock(*, actor: User | None, user: User) -> None:
    """Lift a django-axes lockout before its 30 minutes are up."""
    from axes.utils import reset

    reset(username=user.employee_number)
    access_event_record(
        user=actor, action=AccessEvent.Action.UNLOCK, obj=user, summary="ロック解除"
    )


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
    note: str = "",
) -> Appointment:
    """発令: permissions are granted at once if the start date has come, else by the daily
    task on that date."""
    if not user.is_active:
        raise DomainError("無効な職員には発令できません。", field="user")
    open_same = Appointment.objects.filter(
        user=user, role=role, revoked_at__isnull=True, **_unit_kwargs(unit)
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
        note=note,
        **_unit_kwargs(unit),
    )
    appointment.full_clean()
    appointment._history_user = actor
    appointment._change_reason = "発令"
    appointment.save()
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
    assignment.full_clean()
    assignment._history_user = actor
    assignment._change_reason = "受持警察官の指定"
    assignment.save()
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
