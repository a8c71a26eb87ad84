"""Who issues and ends 署長指示 (要領 第5-1): the 署長 (`instruct_visits` on his station)."""

from __future__ import annotations

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import Station, User

ISSUER_ONLY = "巡回連絡の対象を指示できるのは警察署長です。"


def instruction_issue_require(user: User, station: Station) -> None:
    if not permissions.has_perm(user, "instruct_visits", station):
        raise PermissionDenied(ISSUER_ONLY)
