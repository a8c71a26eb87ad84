"""Reads that depend on who is asking."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from . import permissions
from .exceptions import OutOfScope
from .models import AccessEvent, Appointment, BeatAssignment, User


def user_list(*, user: User, query: str = "") -> QuerySet[User]:
    """People an HQ appointments manager may see; nobody else sees this list."""
    if not permissions.can_manage_appointments(user):
        return User.objects.none()
    users = User.objects.all().order_by("employee_number")
    if query:
        users = users.filter(
            Q(employee_number__icontains=query)
            | Q(full_name__icontains=query)
            | Q(full_name_kana__icontains=query)
        )
    return users


def user_get(*, user: User, pk: int) -> User:
    found = user_list(user=user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope("accounts.user", str(pk))
    return found


def appointment_list(*, user: User, person: User) -> QuerySet[Appointment]:
    if not permissions.can_manage_appointments(user):
        return Appointment.objects.none()
    return Appointment.objects.filter(user=person).select_related(
        "headquarters", "station", "post", "post__station", "department"
    )


def appointment_get(*, user: User, pk: int) -> Appointment:
    if not permissions.can_manage_appointments(user):
        raise OutOfScope("accounts.appointment", str(pk))
    found = (
        Appointment.objects.select_related("user", "headquarters", "station", "post")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise OutOfScope("accounts.appointment", str(pk))
    return found


def beat_assignment_list(*, user: User, person: User) -> QuerySet[BeatAssignment]:
    if not permissions.can_manage_appointments(user):
        return BeatAssignment.objects.none()
    return BeatAssignment.objects.filter(officer=person).select_related("beat", "beat__post")


def beat_assignment_get(*, user: User, pk: int) -> BeatAssignment:
    if not permissions.can_manage_appointments(user):
        raise OutOfScope("accounts.beatassignment", str(pk))
    found = BeatAssignment.objects.select_related("officer", "beat").filter(pk=pk).first()
    if found is None:
        raise OutOfScope("accounts.beatassignment", str(pk))
    return found


def my_recent_sign_ins(*, user: User, limit: int = 5) -> list[AccessEvent]:
    """The user's own last sign-ins and failures, so he notices a stranger's attempt."""
    return list(
        AccessEvent.objects.filter(
            user=user,
            action__in=[AccessEvent.Action.LOGIN, AccessEvent.Action.LOGIN_FAILED],
        ).order_by("-occurred_at")[:limit]
    )
