"""What a 夜間巡回連絡 request allows in which state, and who may do it (要領 第5-3): while it
waits, its officer may withdraw it and the 地域課長等 over his beats may approve or refuse it;
a decision is final. The views (the detail page's buttons) and the services ask here."""

from __future__ import annotations

from accounts import permissions
from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import Station, User
from liaison.night.models import NightVisitRequest
from liaison.night.selectors import night_request_in_remit

Status = NightVisitRequest.Status

# action -> {from status: to status}.
TRANSITIONS: dict[str, dict[str, str]] = {
    "withdraw": {Status.PENDING: Status.WITHDRAWN},
    "approve": {Status.PENDING: Status.APPROVED},
    "reject": {Status.PENDING: Status.REJECTED},
}

DECIDE_PERMISSION = "approve_night_visits"


def night_check_open(night: NightVisitRequest) -> None:
    """Every action needs a request still waiting: a decided one cannot change."""
    if night.status != Status.PENDING:
        raise TransitionError(
            f"この申請はすでに「{night.get_status_display()}」です。決裁後は変更できません。"
        )


def night_check_withdraw(user: User, night: NightVisitRequest) -> None:
    if night.officer_id != user.pk:
        raise PermissionDenied("申請した本人だけが取り下げられます。")


def night_check_decide(user: User, night: NightVisitRequest) -> None:
    """The 地域課長等 of the station over the officer's beats (each 地域課 its own posts), never
    the officer himself."""
    if not permissions.has_perm(user, DECIDE_PERMISSION, Station(pk=night.station_id)):
        raise PermissionDenied("夜間巡回連絡を承認する権限がありません。")
    if not night_request_in_remit(user=user, night=night):
        raise PermissionDenied(
            "この受持警察官の夜間巡回連絡は、担当する地域課の地域課長等が決裁します。"
        )
    if night.officer_id == user.pk:
        raise PermissionDenied("自分の申請は決裁できません。")


def night_may_decide(user: User, night: NightVisitRequest) -> bool:
    """The decide button: the cheap questions first (his own request, his permission), the
    remit query last."""
    return (
        night.officer_id != user.pk
        and permissions.has_perm(user, DECIDE_PERMISSION, Station(pk=night.station_id))
        and night_request_in_remit(user=user, night=night)
    )
