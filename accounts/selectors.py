"""Reads that depend on who is asking."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from axes.models import AccessAttempt
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Model, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from . import permissions
from .exceptions import OutOfScope
from .models import AccessEvent, Appointment, Beat, BeatAssignment, Notice, Post, Role, User
from .utils import dates
from .utils.names import fold_name


def user_name_filter(term: str) -> Q:
    """Users whose 氏名 or フリガナ contains the term, compared as every name search compares
    (accounts.utils.names.fold_name: kana width, hiragana/katakana, spaces, variant kanji), so
    that 「高橋 徳子」, 「たかはし」 and 「髙橋德子」 find the same person. The people pages
    and both audit searches use this one filter. An empty term matches nobody."""
    folded = fold_name(term)
    return Q(search_name__contains=folded) if folded else Q(pk__in=[])


def employee_number_of(term: str) -> str:
    """A 職員番号 as typed (full-width digits, spaces) in the form it is stored."""
    return "".join(unicodedata.normalize("NFKC", term or "").split())


def user_list(*, user: User, query: str = "") -> QuerySet[User]:
    """People an HQ appointments manager may see; nobody else sees this list."""
    if not permissions.can_manage_appointments(user):
        return User.objects.none()
    users = User.objects.all().order_by("employee_number")
    if query:
        number = employee_number_of(query)
        users = users.filter(
            (Q(employee_number__icontains=number) if number else Q(pk__in=[]))
            | user_name_filter(query)
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
        "headquarters", "station", "post", "post__station", "department", "division"
    )


def appointment_get(*, user: User, pk: int) -> Appointment:
    if not permissions.can_manage_appointments(user):
        raise OutOfScope("accounts.appointment", str(pk))
    found = (
        Appointment.objects.select_related(
            "user", "headquarters", "station", "post", "post__station", "department", "division"
        )
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


SIGN_IN_ACTIONS = [
    AccessEvent.Action.LOGIN,
    AccessEvent.Action.LOGIN_PENDING,
    AccessEvent.Action.LOGIN_FAILED,
    AccessEvent.Action.OTP_FAILED,
]


def my_recent_sign_ins(*, user: User, limit: int = 5) -> list[AccessEvent]:
    """The user's own last sign-ins and failures, so he notices a stranger's attempt. A
    password accepted whose second factor never passed is a failure: its LOGIN_PENDING event
    stays in the list unless a later LOGIN names it as completed."""
    events = list(
        AccessEvent.objects.filter(user=user, action__in=SIGN_IN_ACTIONS).order_by(
            "-occurred_at", "-pk"
        )[: limit * 3]
    )
    completed = {
        e.object_id for e in events if e.action == AccessEvent.Action.LOGIN and e.object_id
    }
    shown = [
        e
        for e in events
        if not (e.action == AccessEvent.Action.LOGIN_PENDING and str(e.pk) in completed)
    ]
    return shown[:limit]


def notice_list_unread(*, user: User, limit: int = 10) -> list[Notice]:
    """The user's unread notices, newest first: one query on the inbox index."""
    if not (user and user.is_authenticated):
        return []
    unread = Notice.objects.filter(recipient=user, read_at__isnull=True)
    return list(unread.order_by("-created_at", "-pk")[:limit])


# --- HQ people pages -------------------------------------------------------------------
# Added for accounts/views/people.py; the functions above stay as they were.


def locked_usernames() -> QuerySet:
    """Login names django-axes holds locked now, as a `values("username")` queryset that
    also serves as a subquery.

    Axes adds up failures per username over every address and browser within the cool-off
    window; this counts the same way, so what HQ sees is what axes enforces.
    """
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .values("username")
    )


def user_locked_numbers(*, employee_numbers: Iterable[str]) -> set[str]:
    """Which of these employee numbers are locked now, in one query for a page of people."""
    numbers = list(employee_numbers)
    if not numbers:
        return set()
    return {row["username"] for row in locked_usernames().filter(username__in=numbers)}


USER_PAGE_SIZE = 50


def _current_appointments() -> Prefetch:
    return Prefetch(
        "appointments",
        queryset=Appointment.objects.filter(
            granted_at__isnull=False, revoked_at__isnull=True
        ).select_related("headquarters", "station", "post", "post__station", "division"),
        to_attr="current_appointments",
    )


def user_page(*, user: User, query: str = "", page_number: str | int | None = 1) -> Page:
    """One page of the staff list with each person's current roles and lock state.

    A fixed number of queries whatever the page holds: roles are prefetched and the lock
    state comes from one grouped query.
    """
    users = user_list(user=user, query=query.strip()).prefetch_related(_current_appointments())
    page = Paginator(users, USER_PAGE_SIZE).get_page(page_number)
    people = list(page.object_list)
    locked = user_locked_numbers(employee_numbers=[p.employee_number for p in people])
    for person in people:
        person.is_locked = person.employee_number in locked
    page.object_list = people
    return page


@dataclass(frozen=True)
class HistoryChange:
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class HistoryEntry:
    """One saved change, ready to read: who, when, what, why, and each field from → to."""

    when: dt.datetime
    who: str
    subject: str
    action: str
    reason: str
    changes: list[HistoryChange]


_HISTORY_ACTIONS = {"+": "登録", "~": "変更", "-": "削除"}
_APPOINTMENT_FIELDS = [
    "role",
    "headquarters",
    "station",
    "post",
    "department",
    "starts_on",
    "ends_on",
    "note",
    "granted_at",
    "revoked_at",
]
_ASSIGNMENT_FIELDS = ["beat", "starts_on", "ends_on", "granted_at", "revoked_at"]
_USER_FIELDS = ["employee_number", "full_name", "full_name_kana", "email", "is_active", "is_staff"]


def _names(model: type[Model], ids: set[int | None]) -> dict[int, str]:
    ids.discard(None)
    if not ids:
        return {}
    if model is Post:
        return {
            p.pk: f"{p.name}（{p.station.name}）"
            for p in Post.objects.filter(pk__in=ids).select_related("station")
        }
    if model is Beat:
        return {
            b.pk: f"{b.post.name} {b.name}"
            for b in Beat.objects.filter(pk__in=ids).select_related("post")
        }
    return {
        pk: str(name)
        for pk, name in model._default_manager.filter(pk__in=ids).values_list("pk", "name")
    }


def _history_entries(
    records: list[Any],
    fields: list[str],
    subject: Callable[[Any], str],
    model: type[Model],
) -> list[HistoryEntry]:
    """Pair each historical row with the one before it (same object) and list what moved."""
    # Every name in `fields` is a concrete field of the model.
    concrete = {f.name: f for f in model._meta.concrete_fields}
    lookups: dict[str, dict[int, str]] = {}
    for name in fields:
        field = concrete[name]
        if field.is_relation:
            ids = {getattr(r, field.attname) for r in records}
            # A concrete relation's model is resolved when the apps load.
            lookups[name] = _names(cast("type[Model]", field.related_model), ids)

    def shown(name: str, record: Any) -> object:
        field = concrete[name]
        if field.is_relation:
            value = getattr(record, field.attname)
            return lookups[name].get(value, "") if value else ""
        value = getattr(record, name)
        if field.choices:
            return dict(field.choices).get(value, value) if value else ""
        if isinstance(value, bool):
            return "はい" if value else "いいえ"
        if isinstance(value, dt.datetime):
            return dates.datetime_ja(value)  # Tokyo time
        if isinstance(value, dt.date):
            return dates.date_ja(value)
        return "" if value is None else value

    entries = []
    previous: dict[int, object] = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        changes = []
        for name in fields:
            new = shown(name, record)
            old = shown(name, before) if before is not None else ""
            if new != old:
                changes.append(HistoryChange(str(concrete[name].verbose_name), old, new))
        previous[record.id] = record
        reason = record.history_change_reason or ""
        if not changes and not reason:
            continue
        who = record.history_user.full_name if record.history_user else "（システム）"
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=who,
                subject=subject(record),
                action=_HISTORY_ACTIONS.get(record.history_type, record.history_type),
                reason=reason,
                changes=changes,
            )
        )
    return entries


def person_history(*, user: User, person: User) -> list[HistoryEntry]:
    """The saved history of a person's account, appointments and beat assignments, newest
    first. Only for an appointments manager."""
    if not permissions.can_manage_appointments(user):
        return []
    appointments = list(
        Appointment.history.filter(user_id=person.pk).select_related("history_user")
    )
    assignments = list(
        BeatAssignment.history.filter(officer_id=person.pk).select_related("history_user")
    )
    accounts = list(User.history.filter(id=person.pk).select_related("history_user"))
    roles = dict(Role.choices)
    beat_names = _names(Beat, {a.beat_id for a in assignments})
    entries = [
        *_history_entries(
            appointments,
            _APPOINTMENT_FIELDS,
            lambda r: f"発令 {roles.get(r.role, r.role)}",
            Appointment,
        ),
        *_history_entries(
            assignments,
            _ASSIGNMENT_FIELDS,
            lambda r: f"受持区の指定 {beat_names.get(r.beat_id, '')}",
            BeatAssignment,
        ),
        *_history_entries(accounts, _USER_FIELDS, lambda r: "職員情報", User),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


@dataclass(frozen=True)
class PersonDetail:
    person: User
    is_locked: bool
    active_appointments: list[Appointment]
    planned_appointments: list[Appointment]
    ended_appointments: list[Appointment]
    active_assignments: list[BeatAssignment]
    planned_assignments: list[BeatAssignment]
    ended_assignments: list[BeatAssignment]
    history: list[HistoryEntry]


def _by_state(rows: Iterable) -> tuple[list, list, list]:
    active, planned, ended = [], [], []
    for row in rows:
        if row.revoked_at is not None:
            ended.append(row)
        elif row.granted_at is not None:
            active.append(row)
        else:
            planned.append(row)
    return active, planned, ended


def person_detail_get(*, user: User, pk: int) -> PersonDetail:
    """Everything the person page shows; 404 (OutOfScope) for a non-manager."""
    person = user_get(user=user, pk=pk)
    appointments = _by_state(appointment_list(user=user, person=person))
    assignments = _by_state(
        beat_assignment_list(user=user, person=person).select_related("beat__post__station")
    )
    return PersonDetail(
        person=person,
        is_locked=bool(user_locked_numbers(employee_numbers=[person.employee_number])),
        active_appointments=appointments[0],
        planned_appointments=appointments[1],
        ended_appointments=appointments[2],
        active_assignments=assignments[0],
        planned_assignments=assignments[1],
        ended_assignments=assignments[2],
        history=person_history(user=user, person=person),
    )


def notice_get(*, user: User, pk: int) -> Notice:
    """One of the user's own notices; anyone else's is not found (a 404)."""
    from .exceptions import OutOfScope
    from .models import Notice

    notice = Notice.objects.filter(pk=pk, recipient=user).first()
    if notice is None:
        raise OutOfScope("accounts.notice", str(pk))
    return notice
