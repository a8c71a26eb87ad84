"""The 生活安全企画課長's designation of the 発信操作担当者 (seed 003 6⑴: 生活安全企画課員の中から
…指定し): a designation is an ALERT_SENDER appointment at HQ with the operator division,
started and ended through accounts.services, so that the desk, the history, the access log
and the sign-out on ending are those of every other appointment. Keyword-only, the acting
user first, one transaction each."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts import services as accounts_services
from accounts.exceptions import DomainError, PermissionDenied, TransitionError
from accounts.models import Appointment, Role, User
from accounts.utils.dates import date_ja

from . import policy, selectors

NOTE_MAX = 200


@transaction.atomic
def operator_designate(
    *, actor: User, user: User, starts_on: dt.date, note: str = ""
) -> Appointment:
    """Designate one of the division's people as its 発信操作担当者 from `starts_on` (today or
    later: the desk is granted at once when it is today, else on that day)."""
    division = policy.designate_require(actor)
    # One designation at a time for one person, even from two windows.
    person = User.objects.select_for_update().get(pk=user.pk)
    if starts_on < timezone.localdate():
        raise DomainError("指定日は今日以降の日付にしてください。", field="starts_on")
    if person.pk == actor.pk:
        raise DomainError(
            f"発信操作担当者は{division.name}の職員の中から指定してください（ご自身は指定できません）。",
            field="user",
        )
    if (
        selectors.designations(division=division)
        .filter(user=person, revoked_at__isnull=True)
        .exists()
    ):
        raise DomainError(
            f"{person.full_name}さんはすでに{division.name}の発信操作担当者に指定されています。",
            field="user",
        )
    if not selectors.division_people(division=division).filter(pk=person.pk).exists():
        raise DomainError(
            f"{person.full_name}さんは{division.name}の職員ではありません。"
            f"{division.name}に発令されている職員から選んでください。",
            field="user",
        )
    return accounts_services.appointment_start(
        actor=actor,
        user=person,
        role=Role.ALERT_SENDER,
        unit=division.headquarters,
        division=division,
        starts_on=starts_on,
        note=(note.strip() or f"{division.name}長による指定")[:NOTE_MAX],
    )


@transaction.atomic
def operator_end(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    """End a designation today: the desk goes at once and the person is signed out (his
    sending ends with it). One not started yet cannot be ended before its day: an
    appointment cannot end before it starts (accounts)."""
    division = policy.designate_require(actor)
    fresh = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not policy.is_designation(fresh, division):
        raise PermissionDenied(policy.REFUSAL)
    if fresh.revoked_at is not None:
        raise TransitionError("この指定はすでに終了しています。")
    today = timezone.localdate()
    if fresh.starts_on > today:
        raise TransitionError(
            f"この指定は{date_ja(fresh.starts_on)}から始まります。終了できるのはその日からです。"
        )
    return accounts_services.appointment_end(
        actor=actor,
        appointment=fresh,
        ends_on=today,
        reason=f"発信操作担当者の指定の終了：{reason.strip()}" if reason.strip() else "",
    )
