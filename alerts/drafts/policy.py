"""Who may do what with an alert, and which moves each status allows (DESIGN.md, Workflows).

The chain decides who acts: an alert in review waits at one step of its latest round, and
only whoever holds that step's desk (a role at a unit, accounts.permissions) may approve,
return or override a privacy flag there — never the alert's author, whatever desks he also
holds (issue 13: nobody approves their own draft). The 発信操作担当者 sends at the last step.
Buttons (`actions`), views and services all ask here; this module asks
accounts.permissions and knows nothing of how the steps were laid (alerts.chain.engine).
"""

from __future__ import annotations

from accounts import permissions
from accounts.models import Role
from accounts.permissions import AnyUser, Desk

from ..chain.engine import desk_of
from ..chain.models import StepAction
from .models import Alert, AlertKind, AlertStatus, AlertStep, StepStatus

# The transition table: action -> {from status: to status}. Approving moves the alert on
# only at the last approval (IN_REVIEW -> APPROVED, the engine's SEND step next); the
# service picks the target then.
TRANSITIONS: dict[str, dict[str, str]] = {
    "edit": {AlertStatus.DRAFT: AlertStatus.DRAFT},
    "submit": {AlertStatus.DRAFT: AlertStatus.IN_REVIEW},
    "approve": {AlertStatus.IN_REVIEW: AlertStatus.IN_REVIEW},
    "return": {AlertStatus.IN_REVIEW: AlertStatus.DRAFT, AlertStatus.APPROVED: AlertStatus.DRAFT},
    "override": {AlertStatus.IN_REVIEW: AlertStatus.IN_REVIEW},
    "send": {AlertStatus.APPROVED: AlertStatus.SCHEDULED},
    # Before sending: the queue fans out only SCHEDULED alerts, so a cancelled one
    # is never sent.
    "cancel": {
        AlertStatus.DRAFT: AlertStatus.CANCELLED,
        AlertStatus.IN_REVIEW: AlertStatus.CANCELLED,
        AlertStatus.APPROVED: AlertStatus.CANCELLED,
        AlertStatus.SCHEDULED: AlertStatus.CANCELLED,
    },
}
# A follow-up (続報・訂正・検挙等) starts from a first alert that went (or is about to go) out.
FOLLOW_UP_FROM = frozenset({AlertStatus.SCHEDULED, AlertStatus.SENT})
FOLLOW_UP_KINDS = frozenset({AlertKind.FOLLOW_UP, AlertKind.CORRECTION, AlertKind.ARREST})
# The statuses in which a step of the chain is still open.
OPEN = frozenset({AlertStatus.IN_REVIEW, AlertStatus.APPROVED})

SELF_APPROVAL = "自分が作成した配信文は承認できません。"
SKIPPED_STEP = "前の段階の承認が済んでいません。"
NO_DESK = "この段階で決定する権限がありません。"
NOT_CURRENT = "この段階はすでに決定済みか、現在の承認手続の段階ではありません。"


def allows(action: str, alert: Alert) -> bool:
    return alert.status in TRANSITIONS.get(action, {})


# --- Desks --------------------------------------------------------------------------------


def unit_desk(role: str, alert: Alert) -> Desk:
    """The desk of `role` at the alert's author unit (a station or an HQ division)."""
    return Desk(role, station_id=alert.author_station_id, division_id=alert.author_division_id)


def author_desks(user: AnyUser) -> list[Desk]:
    """The units the user drafts for (作成者 at a station or an HQ division), in a stable
    order: a person holding several chooses one."""
    desks = [d for d in permissions.alert_desks(user) if d.role == Role.ALERT_AUTHOR]
    return sorted(desks, key=lambda d: (d.station_id or 0, d.division_id or 0))


def may_draft(user: AnyUser) -> bool:
    return bool(author_desks(user))


def is_hq_approver(user: AnyUser) -> bool:
    """運用総括管理者: oversees every alert (seed 004 3⑴)."""
    return any(d.role == Role.ALERT_HQ_APPROVER for d in permissions.alert_desks(user))


def _is_author(user: AnyUser, alert: Alert) -> bool:
    return bool(user.is_authenticated and alert.author_id == user.pk)


def _writes_for(user: AnyUser, alert: Alert) -> bool:
    """The author while he still holds the 作成者 desk of the alert's unit: an ended
    appointment ends his hand on his drafts (he may still read them where he sees them)."""
    return _is_author(user, alert) and permissions.holds_desk(
        user, unit_desk(Role.ALERT_AUTHOR, alert)
    )


# --- The current step ---------------------------------------------------------------------


def current_step(alert: Alert) -> AlertStep | None:
    """The PENDING step of the latest round while the chain is open; None otherwise (a
    draft, a returned, scheduled, sent or cancelled alert)."""
    if alert.status not in OPEN or alert.pk is None:
        return None
    return (
        AlertStep.objects.filter(alert=alert, status=StepStatus.PENDING)
        .order_by("-round", "order")
        .first()
    )


def _holds(user: AnyUser, step: AlertStep | None) -> bool:
    return step is not None and permissions.holds_desk(user, desk_of(step))


def decide_refusal(user: AnyUser, step: AlertStep, current: AlertStep | None) -> str:
    """Why the user may not decide at `step` (empty when he may): the author never; a
    desk he does not hold; a step not yet reached or already decided."""
    if _is_author(user, step.alert):
        return SELF_APPROVAL
    if not _holds(user, step):
        return NO_DESK
    if current is None or current.pk != step.pk:
        if (
            current is not None
            and step.round == current.round
            and step.status == StepStatus.WAITING
        ):
            return SKIPPED_STEP
        return NOT_CURRENT
    return ""


def may_decide(user: AnyUser, step: AlertStep) -> bool:
    """Approve or return at `step`: its desk, not the author, and it is the current one."""
    return not decide_refusal(user, step, current_step(step.alert))


# --- Questions for one alert --------------------------------------------------------------


def may_view(user: AnyUser, alert: Alert) -> bool:
    """The same rule as selectors.alerts_visible, for one alert already in hand."""
    if not (user.is_authenticated and user.is_active):
        return False
    if _is_author(user, alert) or is_hq_approver(user):
        return True
    desks = permissions.alert_desks(user)
    if any(
        d.station_id == alert.author_station_id and d.division_id == alert.author_division_id
        for d in desks
        if d.headquarters_id is None
    ):
        return True
    return any(desk_of(step) in desks for step in alert.steps.all())


def may_edit(user: AnyUser, alert: Alert) -> bool:
    return _writes_for(user, alert) and allows("edit", alert)


def may_submit(user: AnyUser, alert: Alert) -> bool:
    """The author, while he still drafts for the alert's unit."""
    return may_edit(user, alert) and allows("submit", alert)


def _may_override(user: AnyUser, alert: Alert, current: AlertStep | None) -> bool:
    return (
        allows("override", alert)
        and current is not None
        and current.action == StepAction.APPROVE
        and not decide_refusal(user, current, current)
    )


def may_override(user: AnyUser, alert: Alert) -> bool:
    """Let a privacy flag stand, with a reason: the approver at the current step only."""
    return _may_override(user, alert, current_step(alert))


def _may_send(user: AnyUser, alert: Alert, current: AlertStep | None) -> bool:
    return (
        allows("send", alert)
        and current is not None
        and current.action == StepAction.SEND
        and not decide_refusal(user, current, current)
    )


def may_send(user: AnyUser, alert: Alert) -> bool:
    """The 発信操作担当者 at the SEND step (never the author)."""
    return _may_send(user, alert, current_step(alert))


def _scheduled_by(alert: Alert) -> AlertStep | None:
    """The SEND step that scheduled the alert (latest round)."""
    return (
        AlertStep.objects.filter(alert=alert, action=StepAction.SEND, status=StepStatus.DONE)
        .order_by("-round")
        .first()
    )


def _may_cancel(user: AnyUser, alert: Alert, current: AlertStep | None) -> bool:
    if not allows("cancel", alert):
        return False
    if alert.status == AlertStatus.DRAFT:
        return _writes_for(user, alert)
    if _is_author(user, alert):
        return False
    if alert.status == AlertStatus.SCHEDULED:
        # Waiting for 07:00 or a chosen time: whoever holds the desk that scheduled it.
        return _holds(user, _scheduled_by(alert))
    return current is not None and not decide_refusal(user, current, current)


def may_cancel(user: AnyUser, alert: Alert) -> bool:
    """The author of a draft; once reported, whoever holds the current step's desk; once
    scheduled, the sender's desk (not the author)."""
    return _may_cancel(user, alert, current_step(alert))


def may_follow_up(user: AnyUser, alert: Alert) -> bool:
    """続報・訂正・検挙等 of a first alert that went out: a 作成者 of its unit (its author while
    he still is one)."""
    if alert.kind != AlertKind.FIRST or alert.status not in FOLLOW_UP_FROM:
        return False
    return permissions.holds_desk(user, unit_desk(Role.ALERT_AUTHOR, alert))


def actions(user: AnyUser, alert: Alert) -> set[str]:
    """The buttons this user gets on this alert now: edit, submit, approve, return,
    override, send, cancel, follow_up (transitions ∩ permissions; one step query)."""
    current = current_step(alert)
    found: set[str] = set()
    if may_edit(user, alert):
        found.add("edit")
    if may_submit(user, alert):
        found.add("submit")
    if current is not None and not decide_refusal(user, current, current):
        if current.action == StepAction.APPROVE and allows("approve", alert):
            found.add("approve")
        found.add("return")
    if _may_override(user, alert, current):
        found.add("override")
    if _may_send(user, alert, current):
        found.add("send")
    if _may_cancel(user, alert, current):
        found.add("cancel")
    if may_follow_up(user, alert):
        found.add("follow_up")
    return found


def is_last_approval(alert: Alert, step: AlertStep) -> bool:
    """The step right before the SEND step of its round: where the last approver may mark an
    urgent category's alert to go outside the sending hours (seed 004 4⑵)."""
    later = (
        AlertStep.objects.filter(alert=alert, round=step.round, order__gt=step.order)
        .order_by("order")
        .first()
    )
    return later is not None and later.action == StepAction.SEND
