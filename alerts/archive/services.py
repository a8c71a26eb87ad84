"""Writes of the public archive: withdrawing (取消) a sent alert.

Seed 004 5⑶・⑷: a wrong or privacy-breaking alert is taken back. The alert stays in the
archive saying 「この配信は取り消されました」 with the reason and without its body; the
deliveries not yet sent are dropped, so nobody else receives it; what was already sent
cannot be recalled. Keyword-only, the acting user first, one transaction; refusals are the
project's DomainError family (accounts.exceptions).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.exceptions import DomainError, PermissionDenied, TransitionError
from accounts.models import User

from ..delivery.models import Delivery, DeliveryStatus
from ..drafts.decisions import lock, record, save
from ..drafts.models import Alert, DecisionAction
from . import policy

REASON_MAX = Alert._meta.get_field("withdrawn_reason").max_length or 200


@transaction.atomic
def alert_withdraw(
    *, actor: User, alert: Alert, reason: str, now: dt.datetime | None = None
) -> Alert:
    """取消 of a SENDING or SENT alert by its unit's 運用管理者 or the 運用総括管理者: records
    the decision, marks the alert withdrawn with the reason, and drops its deliveries still
    waiting (PENDING → DROPPED; rows already claimed by a worker are in flight and go)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    alert = lock(alert)
    refusal = policy.withdraw_refusal(actor, alert)
    if refusal == policy.NO_DESK:
        raise PermissionDenied(refusal)
    if refusal:
        raise TransitionError(refusal)
    if not reason:
        raise DomainError("取り消す理由を入力してください。", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"取り消す理由は{REASON_MAX}文字以内で入力してください。", field="reason")
    alert.withdrawn_at = now
    alert.withdrawn_reason = reason
    # Delivery has no history: a plain UPDATE loses nothing, and only rows no worker holds.
    Delivery.objects.filter(alert=alert, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.DROPPED, error="配信の取消"
    )
    record(
        alert,
        DecisionAction.WITHDRAW,
        actor=actor,
        now=now,
        role=policy.role_for_withdrawal(actor, alert),
        comment=reason,
    )
    save(alert, actor=actor, reason="配信の取消")
    return alert
