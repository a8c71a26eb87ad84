"""Reads of alerts that depend on who asks, and the read models of the alert pages.

Who sees an alert: its author; whoever holds a desk any of its steps was laid at (any
round: an approver who once returned it still finds it); the holders of an alert role at
its author's unit (the 副署長 sees his station's alerts); the 運用総括管理者, everything.
Anyone else gets a 404 (accounts.exceptions.OutOfScope), never a 403.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import User
from accounts.permissions import AnyUser, Desk

from ..categories.models import Category
from ..chain.engine import desk_of
from ..chain.models import Scope
from ..privacy import checker
from ..subscribers.selectors import subscribers_reached
from . import policy
from .models import Alert, AlertStep, Decision, DecisionAction, PrivacyOverride, StepStatus

OBJECT = "alerts.alert"
# The text a reader gets, in the order the privacy check reads it.
CHECKED_FIELDS = ("title", "body", "place", "advice")


def _desk_q(desks: frozenset[Desk] | list[Desk], prefix: str = "") -> Q:
    """Rows of AlertStep (or, with a prefix, rows reaching one) laid at one of `desks`."""
    query = Q(pk__in=[])
    for desk in desks:
        query |= Q(
            **{
                f"{prefix}role": desk.role,
                f"{prefix}station_id": desk.station_id,
                f"{prefix}division_id": desk.division_id,
                f"{prefix}headquarters_id": desk.headquarters_id,
            }
        )
    return query


def alerts_visible(user: AnyUser) -> QuerySet[Alert]:
    if not (user.is_authenticated and user.is_active):
        return Alert.objects.none()
    if policy.is_hq_approver(user):
        return Alert.objects.all()
    desks = permissions.alert_desks(user)
    visible = Q(author=user)
    if desks:
        at_desk = AlertStep.objects.filter(alert=OuterRef("pk")).filter(_desk_q(desks))
        visible |= Q(Exists(at_desk))
        stations = {d.station_id for d in desks if d.station_id}
        divisions = {d.division_id for d in desks if d.division_id}
        visible |= Q(author_station__in=stations) | Q(author_division__in=divisions)
    return Alert.objects.filter(visible)


def alert_get(user: AnyUser, pk: int | str) -> Alert:
    alert = (
        alerts_visible(user)
        .filter(pk=pk)
        .select_related(
            "category",
            "category__division",
            "author",
            "author_station",
            "author_division",
            "parent",
        )
        .first()
    )
    if alert is None:
        raise OutOfScope(OBJECT, str(pk))
    return alert


def alerts_list(
    user: AnyUser,
    *,
    status: str | None = None,
    category: Category | int | None = None,
    q: str | None = None,
) -> QuerySet[Alert]:
    """The alerts the user sees, newest first, narrowed by status, category and words of
    the title."""
    alerts = alerts_visible(user).select_related(
        "category", "author", "author_station", "author_division"
    )
    if status:
        alerts = alerts.filter(status=status)
    if category:
        alerts = alerts.filter(category=category)
    if q and q.strip():
        for word in q.split():
            alerts = alerts.filter(title__icontains=word)
    return alerts.order_by("-created_at", "-pk")


def inbox_steps(user: AnyUser) -> list[AlertStep]:
    """Steps waiting at the user's desks, except on alerts he wrote: 「直ちに」 categories
    first (seed 003 4⑵), then the longest waiting. Each step's alert comes with its steps
    (for step_waits) in the same few queries however many rows."""
    desks = permissions.alert_desks(user)
    if not desks:
        return []
    steps = (
        AlertStep.objects.filter(_desk_q(desks), status=StepStatus.PENDING)
        .filter(alert__status__in=policy.OPEN)
        .exclude(alert__author_id=user.pk)
        .select_related(
            "alert",
            "alert__category",
            "alert__author",
            "alert__author_station",
            "alert__author_division",
            "station",
            "division",
            "section",
        )
        .prefetch_related("alert__steps")
        .order_by("-alert__category__is_immediate", "arrived_at", "pk")
    )
    return list(steps)


def latest_round(alert: Alert) -> list[AlertStep]:
    """The steps of the alert's latest round, in order (from its prefetched steps if any)."""
    steps = list(alert.steps.all())
    if not steps:
        return []
    last = max(s.round for s in steps)
    return sorted((s for s in steps if s.round == last), key=lambda s: s.order)


def step_waits(
    alert: Alert, *, now: dt.datetime | None = None
) -> list[tuple[AlertStep, dt.timedelta]]:
    """How long each step of the latest round has waited: arrived → decided, or arrived →
    now for the step still pending. Steps not reached yet are left out."""
    now = now or timezone.now()
    waits = []
    for step in latest_round(alert):
        if step.arrived_at is None:
            continue
        waits.append((step, (step.decided_at or now) - step.arrived_at))
    return waits


def recipient_count(alert: Alert) -> int:
    """How many subscribers the alert reaches now (the sender confirms this figure)."""
    return subscribers_reached(
        category=alert.category,
        whole_prefecture=alert.scope == Scope.PREFECTURE,
        stations=alert.area_stations.all(),
        municipalities=alert.area_municipalities.all(),
    ).count()


def step_holders(step: AlertStep) -> list[User]:
    """Who holds the step's desk today (empty: nobody is appointed there; say so)."""
    return list(permissions.holders_of(desk_of(step)).order_by("employee_number"))


# --- The privacy check on an alert --------------------------------------------------------


@dataclass(frozen=True)
class CheckedFlag:
    """A flag of the privacy check on one field, and the override letting it stand."""

    field: str
    flag: checker.Flag
    override: PrivacyOverride | None

    @property
    def is_open(self) -> bool:
        return self.override is None


def alert_text(alert: Alert) -> dict[str, str]:
    return {name: getattr(alert, name) or "" for name in CHECKED_FIELDS}


def privacy_flags(alert: Alert) -> list[CheckedFlag]:
    """Every flag on the alert's text (title, body, place, 対策のポイント), each with the
    approver's override if one lets it stand."""
    overrides = (
        {(o.kind, o.fragment): o for o in alert.overrides.all().select_related("user")}
        if alert.pk
        else {}
    )
    found = []
    for name, text in alert_text(alert).items():
        for flag in checker.check(text):
            found.append(CheckedFlag(name, flag, overrides.get((flag.kind, flag.text))))
    return found


def open_flags(alert: Alert) -> list[CheckedFlag]:
    """The flags still to fix or override before any approval."""
    return [f for f in privacy_flags(alert) if f.is_open]


def seen_flags(alert: Alert) -> list[dict[str, str | bool]]:
    """The flags as a decision row keeps them (what the decider saw)."""
    return [
        {
            "field": f.field,
            "kind": f.flag.kind,
            "text": f.flag.text,
            "overridden": not f.is_open,
        }
        for f in privacy_flags(alert)
    ]


# --- The alert's page: its chain by rounds and its decisions ------------------------------

# Decisions that close a step, and so say who decided it.
STEP_DECISIONS = {
    DecisionAction.APPROVE,
    DecisionAction.RETURN,
    DecisionAction.SEND,
    DecisionAction.SCHEDULE,
}


@dataclass(frozen=True)
class StepRow:
    step: AlertStep
    decision: Decision | None


@dataclass(frozen=True)
class AlertRecord:
    """What the alert's page shows beside its content: the latest round's steps (each with
    the decision that closed it), the earlier rounds, every decision row and the follow-ups."""

    latest: list[StepRow]
    earlier: list[tuple[int, list[StepRow]]]
    decisions: list[Decision]
    follow_ups: list[Alert]


def alert_record(alert: Alert) -> AlertRecord:
    steps = list(
        alert.steps.select_related("station", "division", "section").order_by("round", "order")
    )
    decisions = list(alert.decisions.select_related("user", "step").order_by("decided_at", "pk"))
    follow_ups = list(alert.follow_ups.order_by("created_at", "pk"))
    decided = {d.step_id: d for d in decisions if d.step_id and d.action in STEP_DECISIONS}
    rounds: dict[int, list[StepRow]] = {}
    for step in steps:
        rounds.setdefault(step.round, []).append(StepRow(step, decided.get(step.pk)))
    if not rounds:
        return AlertRecord([], [], decisions, follow_ups)
    last = max(rounds)
    earlier = [(r, rows) for r, rows in sorted(rounds.items()) if r != last]
    return AlertRecord(rounds[last], earlier, decisions, follow_ups)


def alert_step_get(alert: Alert, step_pk: int | str) -> AlertStep:
    """A step of this alert (a step of another alert is a 404, whoever asks)."""
    step = (
        alert.steps.select_related("station", "division", "section", "alert")
        .filter(pk=step_pk)
        .first()
    )
    if step is None:
        raise OutOfScope()
    return step
