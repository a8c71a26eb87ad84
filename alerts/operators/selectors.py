"""Reads of the 発信操作担当者's designation (seed 003 6⑴), for the 生活安全企画課長 only:
the division's designations, current and past (ALERT_SENDER appointments at HQ with that
division), and its people who may be designated (an active appointment at the division, any
role, not designated already, not the 課長 himself). A designation of another division, or
any other appointment, is a 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.exceptions import OutOfScope
from accounts.models import Appointment, Division, Role, User

from . import policy

APPOINTMENT = "accounts.appointment"
PER_PAGE = 50

CURRENT = "指定中"
PLANNED = "指定予定"
ENDED = "終了"


def _active() -> Q:
    return Q(granted_at__isnull=False, revoked_at__isnull=True)


def designations(*, division: Division) -> QuerySet[Appointment]:
    """Every designation of the division, open ones first (then the latest ended), each
    with its person."""
    return (
        Appointment.objects.filter(
            role=Role.ALERT_SENDER,
            headquarters_id=division.headquarters_id,
            division=division,
        )
        .select_related("user", "division")
        .order_by(F("revoked_at").desc(nulls_first=True), "-starts_on", "-pk")
    )


def designation_state(appointment: Appointment) -> str:
    if appointment.revoked_at is not None:
        return ENDED
    return CURRENT if appointment.granted_at is not None else PLANNED


def division_people(*, division: Division) -> QuerySet[User]:
    """Whoever holds an active appointment at the division, any role: its staff as this
    system knows them."""
    at_division = Appointment.objects.filter(_active(), division=division)
    return User.objects.filter(is_active=True, appointments__in=at_division).distinct()


def _open_designees(division: Division) -> QuerySet[Appointment]:
    """Designations not ended (started or planned): their people are designated already."""
    return Appointment.objects.filter(
        role=Role.ALERT_SENDER, division=division, revoked_at__isnull=True
    )


@dataclass(frozen=True)
class Candidate:
    """One of the division's people who may be designated, with his roles there."""

    user: User
    roles: list[str]


def candidates(*, user: User, division: Division) -> list[Candidate]:
    """The division's people the 課長 may designate, in フリガナ order, each with his roles
    at the division. Two queries."""
    roles = Prefetch(
        "appointments",
        queryset=Appointment.objects.filter(_active(), division=division).order_by("role"),
        to_attr="division_appointments",
    )
    people = (
        division_people(division=division)
        .exclude(pk__in=_open_designees(division).values("user_id"))
        .exclude(pk=user.pk)
        .prefetch_related(roles)
        .order_by("full_name_kana", "employee_number")
    )
    return [
        Candidate(
            user=person,
            roles=[a.get_role_display() for a in getattr(person, "division_appointments", [])],
        )
        for person in people
    ]


@dataclass(frozen=True)
class DesignationRow:
    appointment: Appointment
    state: str
    may_end: bool  # started and not ended: the list's 「終了」 button


@dataclass(frozen=True)
class OperatorPage:
    """The list page's read model."""

    division: Division
    page: Page
    rows: list[DesignationRow]
    current_count: int
    candidates: list[Candidate]


def operator_page(*, user: User, page_number: str | None = None) -> OperatorPage:
    division = policy.designate_require(user)
    page = Paginator(designations(division=division), PER_PAGE).get_page(page_number)
    rows = []
    for appointment in page.object_list:
        state = designation_state(appointment)
        rows.append(DesignationRow(appointment, state, may_end=state == CURRENT))
    current = designations(division=division).filter(_active()).count()
    return OperatorPage(
        division=division,
        page=page,
        rows=rows,
        current_count=current,
        candidates=candidates(user=user, division=division),
    )


@dataclass(frozen=True)
class DesignatePage:
    division: Division
    candidates: list[Candidate]


def designate_page(*, user: User) -> DesignatePage:
    division = policy.designate_require(user)
    return DesignatePage(division=division, candidates=candidates(user=user, division=division))


def designation_get(*, user: User, pk: int) -> Appointment:
    """A designation of the division the user designates for; any other appointment is a
    404 (the 403 for those who designate nothing comes first)."""
    division = policy.designate_require(user)
    found = designations(division=division).filter(pk=pk).first()
    if found is None:
        raise OutOfScope(APPOINTMENT, str(pk))
    return found


@dataclass(frozen=True)
class EndPage:
    """The end page's read model: the designation, whether it has started (one planned
    cannot be ended before its day), and how many others are designated now (none left:
    approved alerts wait until someone is)."""

    appointment: Appointment
    division: Division
    started: bool
    others_current: int


def end_page(*, user: User, pk: int) -> EndPage:
    appointment = designation_get(user=user, pk=pk)
    division = appointment.division
    assert division is not None  # noqa: S101 (designations name their division)
    others = designations(division=division).filter(_active()).exclude(pk=appointment.pk)
    return EndPage(
        appointment=appointment,
        division=division,
        started=appointment.starts_on <= timezone.localdate(),
        others_current=others.count(),
    )
