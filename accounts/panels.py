"""Reads behind the home-page panels: what waits for this person.

Each panel costs a fixed number of queries whatever the data (select_related, one
aggregate, an IN subquery): the home page is opened many times a day by everyone.
Selectors take the asking user first; the `*_panel` functions shape their results for the
templates under templates/accounts/panels/ and are registered in accounts.navigation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, When
from django.urls import reverse
from django.utils import timezone

from . import permissions, selectors
from .models import Appointment, Beat, BeatAssignment, Post, Station, User

UPCOMING_DAYS = 14
UPCOMING_LIMIT = 50
RECENT_SIGN_INS = 5


# --- Everyone: roles and beats, own sign-ins -----------------------------------------------


def beat_assignment_current_list(*, user: User) -> list[BeatAssignment]:
    """The beats the user is the 受持警察官 of today (granted and not revoked)."""
    return list(
        BeatAssignment.objects.filter(
            officer=user, granted_at__isnull=False, revoked_at__isnull=True
        )
        .select_related("beat__post__station")
        .order_by("beat__post__station__code", "beat__post__name", "beat__name")
    )


def my_roles_panel(user: User) -> dict[str, Any]:
    return {
        "appointments": permissions.active_appointments(user),
        "assignments": beat_assignment_current_list(user=user),
    }


def my_sign_ins_panel(user: User) -> dict[str, Any]:
    return {"events": selectors.my_recent_sign_ins(user=user, limit=RECENT_SIGN_INS)}


# --- HQ appointment managers ---------------------------------------------------------------


def _user_detail_url(pk: int) -> str:
    return reverse("accounts:user_detail", kwargs={"pk": pk})


@dataclass(frozen=True)
class UpcomingChange:
    """One date on which an appointment starts (発令) or ends (終了)."""

    on: dt.date
    kind: str
    appointment: Appointment
    user_url: str | None


def appointment_upcoming_list(
    *, user: User, today: dt.date | None = None, days: int = UPCOMING_DAYS
) -> tuple[list[UpcomingChange], bool]:
    """Appointments starting or ending within `days`, soonest first, and whether the list
    was cut at UPCOMING_LIMIT appointments. Empty for anyone but an appointments manager."""
    if not permissions.can_manage_appointments(user):
        return [], False
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=days)
    starting = Q(starts_on__range=(today, until))
    ending = Q(ends_on__range=(today, until))
    rows = list(
        Appointment.objects.filter(starting | ending, revoked_at__isnull=True)
        .annotate(due_on=Case(When(starting, then=F("starts_on")), default=F("ends_on")))
        .select_related("user", "headquarters", "station", "post__station")
        .order_by("due_on", "pk")[: UPCOMING_LIMIT + 1]
    )
    truncated = len(rows) > UPCOMING_LIMIT
    changes: list[UpcomingChange] = []
    for appointment in rows[:UPCOMING_LIMIT]:
        url = _user_detail_url(appointment.user_id)
        if today <= appointment.starts_on <= until:
            changes.append(UpcomingChange(appointment.starts_on, "発令", appointment, url))
        if appointment.ends_on and today <= appointment.ends_on <= until:
            changes.append(UpcomingChange(appointment.ends_on, "終了", appointment, url))
    changes.sort(key=lambda c: (c.on, c.kind != "終了", c.appointment.pk))
    return changes, truncated


def appointments_upcoming_panel(user: User) -> dict[str, Any]:
    changes, truncated = appointment_upcoming_list(user=user)
    return {"changes": changes, "truncated": truncated, "days": UPCOMING_DAYS}


def account_locked_list(*, user: User) -> list[dict[str, Any]]:
    """Accounts django-axes refuses right now: failures within the cool-off time reach
    AXES_FAILURE_LIMIT (summed over addresses and browsers, as axes counts them).

    Only existing accounts are listed: a typed name that matches nobody may be a password
    typed into the wrong field, and is not shown.
    """
    if not permissions.can_manage_appointments(user):
        return []
    cool_off = settings.AXES_COOLOFF_TIME
    last_failure = (
        AccessAttempt.objects.filter(
            username=OuterRef("employee_number"), attempt_time__gte=timezone.now() - cool_off
        )
        .order_by("-attempt_time")
        .values("attempt_time")[:1]
    )
    people: QuerySet[User] = (
        User.objects.filter(employee_number__in=selectors.locked_usernames())
        .annotate(last_failure=Subquery(last_failure))
        .order_by("-last_failure", "employee_number")
    )
    return [
        {
            "person": person,
            "last_failure": person.last_failure,
            "unlocks_at": person.last_failure + cool_off if person.last_failure else None,
            "url": _user_detail_url(person.pk),
        }
        for person in people
    ]


def locked_accounts_panel(user: User) -> dict[str, Any]:
    return {"locked": account_locked_list(user=user)}


# --- Station roles with cards ---------------------------------------------------------------


@dataclass
class PostBooks:
    """The beats (one 巡回連絡簿 each) of one post that the user may see."""

    post: Post
    station: Station
    beats: list[Beat] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.beats)


def has_books(user: User) -> bool:
    return permissions.holds_anywhere(user, "view_beat_cards", Beat)


def book_list_by_post(*, user: User) -> list[PostBooks]:
    """The beats whose book the user may see, grouped by post, in station and post order."""
    beats = (
        permissions.beats_for(user)
        .select_related("post__station")
        .order_by("post__station__code", "post__name", "name")
    )
    groups: list[PostBooks] = []
    for beat in beats:
        if not groups or groups[-1].post.pk != beat.post_id:
            groups.append(PostBooks(post=beat.post, station=beat.post.station))
        groups[-1].beats.append(beat)
    return groups


def books_panel(user: User) -> dict[str, Any]:
    groups = book_list_by_post(user=user)
    return {"groups": groups, "beat_count": sum(g.count for g in groups)}
