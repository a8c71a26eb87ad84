"""Who designates the 発信操作担当者 (seed 003 6⑴): the 生活安全企画課長 — whoever holds the
運用管理者 desk at the HQ division whose code is settings.ALERTS_OPERATOR_DIVISION — from
that division's own people. Nobody else sees these pages (403); a designation of another
division, or another appointment, is out of scope (404, in selectors).

Views, menus and services ask here; here asks accounts.permissions.
"""

from __future__ import annotations

from django.conf import settings

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import Appointment, Division, Role

REFUSAL = "発信操作担当者を指定できるのは、生活安全企画課長（生活安全企画課の運用管理者）です。"


def operator_division() -> Division | None:
    """The HQ division whose staff send the alerts in the kagoshima way (seed 003 6⑴)."""
    return (
        Division.objects.filter(code=settings.ALERTS_OPERATOR_DIVISION)
        .select_related("headquarters")
        .first()
    )


def designating_division(user: permissions.AnyUser) -> Division | None:
    """The division whose 発信操作担当者 this user designates, or None. Only those who hold
    the 運用管理者 desk at some HQ division pay the one query that names the division, once
    per request (the menu asks too), as accounts.permissions reads the appointments once."""
    approver_at = {
        desk.division_id
        for desk in permissions.alert_desks(user)
        if desk.role == Role.ALERT_APPROVER and desk.division_id is not None
    }
    if not approver_at:
        return None
    cache = user.__dict__
    code = settings.ALERTS_OPERATOR_DIVISION
    if cache.get("_operator_division_code") != code:
        cache["_operator_division"] = operator_division()
        cache["_operator_division_code"] = code
    division: Division | None = cache["_operator_division"]
    if division is None:
        return None
    desk = permissions.Desk(Role.ALERT_APPROVER, division_id=division.pk)
    return division if permissions.holds_desk(user, desk) else None


def may_designate(user: permissions.AnyUser) -> bool:
    return designating_division(user) is not None


def designate_require(user: permissions.AnyUser) -> Division:
    """The division the user designates for; else a 403."""
    division = designating_division(user)
    if division is None:
        raise PermissionDenied(REFUSAL)
    return division


def is_designation(appointment: Appointment, division: Division) -> bool:
    """A 発信操作担当者 appointment of this division (at its headquarters)."""
    return (
        appointment.role == Role.ALERT_SENDER
        and appointment.division_id == division.pk
        and appointment.headquarters_id == division.headquarters_id
    )
