"""Who may read and close a request heard from liaison members (seed 001 3⑴ウ): the staff of
the department it is addressed to, at its station, and the 署長 of that station
(accounts.permissions.departments_for). Anyone else does not see it (a 404, from the
selectors). Closing is the one step: an open request is closed once, with what was done."""

from __future__ import annotations

from accounts import permissions
from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import User
from network.members import policy as members_policy
from network.requests.models import DepartmentRequest

CLOSE = "close"


def works_department(user: User, department_request: DepartmentRequest) -> bool:
    return (
        permissions.departments_for(user)
        .filter(pk=department_request.department_id, station_id=department_request.station_id)
        .exists()
    )


def request_actions(user: User, department_request: DepartmentRequest) -> list[str]:
    """The buttons: close, while open, for whoever works its department."""
    if not department_request.is_open or not works_department(user, department_request):
        return []
    return [CLOSE]


def request_close_check(user: User, department_request: DepartmentRequest) -> None:
    if not works_department(user, department_request):
        raise PermissionDenied("この課の対応事項を対応済みにする権限がありません。")
    if not department_request.is_open:
        raise TransitionError("この要望はすでに対応済みです。")


def may_see_member(user: User, department_request: DepartmentRequest) -> bool:
    """Who the member was is for those who read the station's roster (2⑷); the request's
    text is enough to act on it."""
    return members_policy.may_view_roster(user, department_request.station)
