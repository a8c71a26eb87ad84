"""The decisions of the chain (seed 003 5⑴, seed 004 3・4): approve or return at a step,
let a privacy flag stand with a reason, and the 発信操作担当者's send with his confirmation
(seed 004 別表 「配信毎に確認」). Import them from alerts.drafts.services, which re-exports
them beside the author's writes.

Every function locks the alert row, refuses a move the status or the step does not allow
(policy), writes an append-only Decision row with what the decider saw (title, body and the
privacy flags then), and leaves the alert with a new version so that a page opened before
the decision cannot save over it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import DomainError, PermissionDenied, TransitionError
from accounts.models import User
from accounts.services import notice_send
from accounts.utils.history import history_save

from .. import hours
from ..chain import engine
from ..chain.models import StepAction
from ..privacy import checker
from . import policy, selectors
from .models import (
    Alert,
    AlertStatus,
    AlertStep,
    Decision,
    DecisionAction,
    PrivacyOverride,
    StepStatus,
)

logger = logging.getLogger(__name__)


# --- Shared by every write on an alert ----------------------------------------------------


def lock(alert: Alert) -> Alert:
    """The alert re-read under a row lock: every rule is checked against this copy."""
    return Alert.objects.select_for_update().select_related("category").get(pk=alert.pk)


def refuse_transition(action: str, alert: Alert) -> None:
    if not policy.allows(action, alert):
        raise TransitionError(
            f"{alert.get_status_display()}の配信には、この操作はできません。"
            "画面を開き直して状態を確かめてください。"
        )


def save(alert: Alert, *, actor: User | None, reason: str, clean: bool = True) -> None:
    """Saved with a new version (a stale page is refused), who and why on its history."""
    if alert.pk:
        alert.version += 1
    history_save(alert, actor=actor, reason=reason, clean=clean)


def record(
    alert: Alert,
    action: str,
    *,
    actor: User,
    now: dt.datetime,
    step: AlertStep | None = None,
    role: str = "",
    comment: str = "",
) -> Decision:
    """The append-only row of one decision, with what the decider saw."""
    return Decision.objects.create(
        alert=alert,
        step=step,
        user=actor,
        role=step.role if step is not None else role,
        action=action,
        comment=comment,
        decided_at=now,
        seen_title=alert.title,
        seen_body=alert.body,
        seen_flags=selectors.seen_flags(alert),
    )


def _step_at(alert: Alert, step: AlertStep) -> AlertStep:
    """The step re-read under lock, and it must belong to the alert."""
    found = AlertStep.objects.select_for_update().filter(pk=step.pk, alert=alert).first()
    if found is None:
        raise TransitionError("この配信の承認の段階ではありません。")
    found.alert = alert
    return found


def _decide_require(actor: User, alert: Alert, step: AlertStep) -> None:
    refusal = policy.decide_refusal(actor, step, policy.current_step(alert))
    if refusal in (policy.SELF_APPROVAL, policy.NO_DESK):
        raise PermissionDenied(refusal)
    if refusal:
        raise TransitionError(refusal)


def _next_step(step: AlertStep) -> AlertStep | None:
    return (
        AlertStep.objects.select_for_update()
        .filter(alert_id=step.alert_id, round=step.round, order__gt=step.order)
        .order_by("order")
        .first()
    )


def _finish(step: AlertStep, status: str, now: dt.datetime) -> None:
    step.status = status
    step.decided_at = now
    step.save(update_fields=["status", "decided_at"])


def tell_arrival(step: AlertStep, alert: Alert) -> None:
    """The holders of the desk an alert has reached find it on their home page (and in their
    mail where they have an address): no text of the alert, its category and number only; an
    immediate one (凶悪事案等逃走事案) says 「直ちに」 first."""
    holders = permissions.holders_of(engine.desk_of(step)).exclude(pk=alert.author_id)
    urgent = "【直ちに】" if alert.category.is_immediate else ""
    notice_send(
        recipients=holders,
        title=f"{urgent}あんしんメールの{step.label}：{alert.category.name}（配信No.{alert.pk}）",
        url=reverse("alerts:alert_detail", args=[alert.pk]),
    )


def tell_return(alert: Alert, step: AlertStep) -> None:
    notice_send(
        recipients=[alert.author],
        title=f"あんしんメールが差し戻されました（{step.label}）：配信No.{alert.pk}",
        url=reverse("alerts:alert_detail", args=[alert.pk]),
    )


# --- Approve, return ----------------------------------------------------------------------


@transaction.atomic
def alert_approve(
    *,
    actor: User,
    alert: Alert,
    step: AlertStep,
    comment: str = "",
    send_urgently: bool = False,
    now: dt.datetime | None = None,
) -> Alert:
    """Approve at the current step. Refused while a privacy flag stands without an
    approver's override. The last approval (the SEND step next) makes the alert APPROVED;
    only then, and only for an urgent category, may the approver let it go outside the
    sending hours (seed 004 4⑵)."""
    now = now or timezone.now()
    alert = lock(alert)
    refuse_transition("approve", alert)
    step = _step_at(alert, step)
    _decide_require(actor, alert, step)
    if step.action != StepAction.APPROVE:
        raise TransitionError("この段階は発信操作です。発信の画面から操作してください。")
    if selectors.open_flags(alert):
        raise DomainError(
            "個人情報の指摘が残っています。作成者に差し戻して直すか、"
            "理由を付けて指摘を承認してから承認してください。"
        )
    following = _next_step(step)
    last_approval = following is not None and following.action == StepAction.SEND
    if send_urgently:
        if not alert.category.is_urgent:
            raise DomainError(
                f"「{alert.category.name}」は配信時間外に配信できない配信区分です。",
                field="send_urgently",
            )
        if not last_approval:
            raise DomainError(
                "配信時間外でも直ちに配信するかは、最後の承認者が決めます。",
                field="send_urgently",
            )
    _finish(step, StepStatus.DONE, now)
    if following is not None:
        following.status = StepStatus.PENDING
        following.arrived_at = now
        following.save(update_fields=["status", "arrived_at"])
        tell_arrival(following, alert)
    if following is None or last_approval:
        alert.status = AlertStatus.APPROVED
        alert.approved_at = now
        alert.send_urgently = send_urgently
    record(alert, DecisionAction.APPROVE, actor=actor, now=now, step=step, comment=comment.strip())
    save(alert, actor=actor, reason=f"{step.label}：承認")
    return alert


@transaction.atomic
def alert_return(
    *, actor: User, alert: Alert, step: AlertStep, comment: str, now: dt.datetime | None = None
) -> Alert:
    """Send the alert back to its author with a comment (any step, the sender's too). The
    author edits and reports again: a new round, routed anew."""
    now = now or timezone.now()
    if not comment.strip():
        raise DomainError("差し戻す理由を入力してください。", field="comment")
    alert = lock(alert)
    refuse_transition("return", alert)
    step = _step_at(alert, step)
    _decide_require(actor, alert, step)
    _finish(step, StepStatus.RETURNED, now)
    alert.status = AlertStatus.DRAFT
    alert.approved_at = None
    alert.send_urgently = False
    record(alert, DecisionAction.RETURN, actor=actor, now=now, step=step, comment=comment.strip())
    save(alert, actor=actor, reason=f"{step.label}：差戻し")
    tell_return(alert, step)
    return alert


# --- Privacy overrides --------------------------------------------------------------------


@transaction.atomic
def privacy_override(
    *, actor: User, alert: Alert, kind: str, fragment: str, reason: str
) -> PrivacyOverride:
    """Let one flag stand, with the reason (seed 003 5⑴ア: the approver judges): the
    approver at the current step only, never the author."""
    alert = lock(alert)
    refuse_transition("override", alert)
    current = policy.current_step(alert)
    if not policy._may_override(actor, alert, current):
        if actor.pk == alert.author_id:
            raise PermissionDenied(
                "個人情報の指摘は作成者自身では承認できません。文を直してください。"
            )
        raise PermissionDenied("個人情報の指摘を承認できるのは、現在の段階の承認者です。")
    if kind not in checker.KINDS:
        raise DomainError("指摘の種類を選んでください。", field="kind")
    reason = reason.strip()
    if not reason:
        raise DomainError("指摘を承認する理由を入力してください。", field="reason")
    standing = [f for f in selectors.open_flags(alert) if f.flag.kind == kind]
    if not any(f.flag.text == fragment for f in standing):
        raise DomainError(
            "その語句への指摘は残っていません。画面を開き直してください。", field="fragment"
        )
    override = PrivacyOverride(alert=alert, kind=kind, fragment=fragment, reason=reason, user=actor)
    override.full_clean()
    override.save()
    record(
        alert,
        DecisionAction.OVERRIDE,
        actor=actor,
        now=timezone.now(),
        step=current,
        comment=f"{checker.KINDS[kind]}「{fragment}」：{reason}",
    )
    save(alert, actor=actor, reason="個人情報の指摘を承認")
    return override


# --- Send ---------------------------------------------------------------------------------


@transaction.atomic
def alert_send(
    *,
    actor: User,
    alert: Alert,
    confirmed: bool,
    recipient_count: int,
    send_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Alert:
    """The 発信操作担当者 confirms the category's rules and the recipient count, every time
    (seed 004 別表), and the alert is handed to the queue: now, at the chosen time, or at
    the next 07:00 when that falls outside the sending hours — unless the category is
    urgent and the last approver marked it so."""
    now = now or timezone.now()
    alert = lock(alert)
    refuse_transition("send", alert)
    current = policy.current_step(alert)
    if not policy._may_send(actor, alert, current):
        if actor.pk == alert.author_id:
            raise PermissionDenied("自分が作成した配信文は発信できません。")
        raise PermissionDenied("この配信を発信できるのは、指定された発信操作担当者です。")
    assert current is not None  # noqa: S101 (_may_send holds only with a current step)
    if confirmed is not True:
        raise DomainError(
            "配信区分の内容と配信先の件数を確認し、確認の欄にチェックしてください。",
            field="confirmed",
        )
    count = selectors.recipient_count(alert)
    if recipient_count != count:
        raise DomainError(
            f"配信先の件数が変わりました（現在 {count} 件）。件数を確かめて、もう一度確認してください。",
            field="recipient_count",
        )
    if send_at is not None and send_at < now - dt.timedelta(minutes=1):
        raise DomainError("配信予定日時は現在より後の日時にしてください。", field="send_at")
    when = max(send_at or now, now)
    urgent = alert.category.is_urgent and alert.send_urgently
    if not urgent:
        when = hours.next_sending_time(when)
    alert.send_at = when
    alert.queued_at = now
    alert.status = AlertStatus.SCHEDULED
    _finish(current, StepStatus.DONE, now)
    later = when > now
    record(
        alert,
        DecisionAction.SCHEDULE if later else DecisionAction.SEND,
        actor=actor,
        now=now,
        step=current,
        comment=f"配信先 {count} 件",
    )
    save(alert, actor=actor, reason="配信予約" if later else "発信操作")
    pk = alert.pk
    transaction.on_commit(lambda: hand_over(Alert.objects.get(pk=pk)))
    return alert


def hand_over(alert: Alert) -> None:
    """The seam to the sending queue, after commit: a SCHEDULED alert whose send time has
    come is fanned out now (alerts.delivery.tasks.fan_out); a later one is left to the
    beat's dispatch, which also catches this one if the task is lost. In eager mode
    (`make run`, tests) the mail goes at once through the console or locmem backend."""
    from kombu.exceptions import OperationalError

    from ..delivery.tasks import fan_out

    logger.info("alert %s handed over to the queue for %s", alert.pk, alert.send_at)
    if alert.status == AlertStatus.SCHEDULED and alert.send_at and alert.send_at <= timezone.now():
        try:
            fan_out.delay(alert.pk)
        except OperationalError:
            # The broker is down: the send is committed, and the sender's page must not
            # fail for it; the beat's dispatch fans the alert out once the broker is back.
            logger.exception("alert %s: fan-out not enqueued, left to the dispatcher", alert.pk)
