"""Who reads and who keeps the categories (配信区分) and the approval chain in force.

Everyone who holds an alert desk (作成者, 運用責任者, 運用管理者, 発信操作担当者 at a station or an
HQ division, the 総合当直) reads the categories' rules and the chain: they draft, approve and
send by them. Only the 運用総括管理者 keeps the categories (seed 004 3⑴イ: 「メール配信の運用・
管理について統括する」), those of his headquarters. Views, menus and services ask here; here
asks accounts.permissions.
"""

from __future__ import annotations

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import Role

READ_REFUSAL = (
    "配信区分と承認の流れは、あんしんメールの担当（作成者・運用責任者・運用管理者・"
    "発信操作担当者・運用総括管理者）が見るページです。"
)
KEEP_REFUSAL = "配信区分を作成・変更できるのは、運用総括管理者（広報広聴課長）です。"


def may_read(user: permissions.AnyUser) -> bool:
    """Holds any alert desk, the 運用総括管理者's included."""
    return bool(permissions.alert_desks(user))


def read_require(user: permissions.AnyUser) -> None:
    if not may_read(user):
        raise PermissionDenied(READ_REFUSAL)


def kept_headquarters(user: permissions.AnyUser) -> set[int]:
    """The headquarters whose categories this user keeps (運用総括管理者 there)."""
    return {
        desk.headquarters_id
        for desk in permissions.alert_desks(user)
        if desk.role == Role.ALERT_HQ_APPROVER and desk.headquarters_id is not None
    }


def may_keep(user: permissions.AnyUser, headquarters_id: int | None = None) -> bool:
    """The 運用総括管理者: of the given headquarters, or of any when none is given."""
    kept = kept_headquarters(user)
    return headquarters_id in kept if headquarters_id is not None else bool(kept)


def keep_require(user: permissions.AnyUser, headquarters_id: int | None = None) -> None:
    if not may_keep(user, headquarters_id):
        raise PermissionDenied(KEEP_REFUSAL)
