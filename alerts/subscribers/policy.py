"""Who may use the staff pages of subscribers. The public pages need no sign-in: a page of
one subscriber is opened by its key, and a sign-up only by the link mailed to the address.
Any signed-in member of staff subscribes himself (seed 003 6⑸); the 所属長 of a station (署長,
or the 運用管理者 there) sees how many of its staff have — counts, never who."""

from __future__ import annotations

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import User


def may_subscribe(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_count_staff(user: User) -> bool:
    return bool(permissions.station_ids_headed(user))


def staff_counts_require(user: User) -> None:
    if not may_count_staff(user):
        raise PermissionDenied(
            "職員の会員登録の状況は、警察署長（所属長）と警察署の運用管理者が見るページです。"
        )
