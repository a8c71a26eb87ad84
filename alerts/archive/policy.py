"""What the public archive shows and who may withdraw (取消) a sent alert.

Public: an alert whose fan-out began (sending_started_at set) and that is SENDING or SENT;
never a draft, one in review, approved, scheduled or cancelled (those are a 404 to the
public). A withdrawn alert stays public, saying so, without its body.

Withdrawal (seed 004 3⑵イ: the 運用管理者 manages 掲載情報の適否; 3⑴イ: the 運用総括管理者
oversees every alert): whoever holds the 運用管理者 desk of the alert's unit (the 所属長 of
the station or HQ division that wrote it), or the 運用総括管理者. Desks are asked of
accounts.permissions through alerts.drafts.policy; this module knows which states allow it.
"""

from __future__ import annotations

from accounts import permissions
from accounts.models import Role
from accounts.permissions import AnyUser

from ..drafts import policy as drafts_policy
from ..drafts.models import Alert, AlertStatus

# The statuses in which an alert has gone out (or is going out) to subscribers.
PUBLIC_STATUSES = frozenset({AlertStatus.SENDING, AlertStatus.SENT})
WITHDRAW_FROM = PUBLIC_STATUSES

NOT_SENT = "まだ配信されていない配信は取り消せません（配信前は「取りやめ」を使ってください）。"
ALREADY_WITHDRAWN = "この配信はすでに取り消されています。"
NO_DESK = "配信を取り消せるのは、作成所属の運用管理者か運用総括管理者です。"


def is_public(alert: Alert) -> bool:
    return alert.sending_started_at is not None and alert.status in PUBLIC_STATUSES


def _holds_withdraw_desk(user: AnyUser, alert: Alert) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    desk = drafts_policy.unit_desk(Role.ALERT_APPROVER, alert)
    return permissions.holds_desk(user, desk) or drafts_policy.is_hq_approver(user)


def withdraw_refusal(user: AnyUser, alert: Alert) -> str:
    """Why the user may not withdraw the alert now (empty when he may)."""
    if not _holds_withdraw_desk(user, alert):
        return NO_DESK
    if alert.withdrawn_at is not None:
        return ALREADY_WITHDRAWN
    if not is_public(alert):
        return NOT_SENT
    return ""


def may_withdraw(user: AnyUser, alert: Alert) -> bool:
    """The button on the alert's page: a sent alert not yet withdrawn, and the desk."""
    return not withdraw_refusal(user, alert)


def role_for_withdrawal(user: AnyUser, alert: Alert) -> str:
    """The role the decision row names: the unit's 運用管理者 first, else HQ's."""
    if permissions.holds_desk(user, drafts_policy.unit_desk(Role.ALERT_APPROVER, alert)):
        return Role.ALERT_APPROVER
    return Role.ALERT_HQ_APPROVER
