"""Writes of the audit that carry a rule: recording a verification of the access log."""

from __future__ import annotations

import datetime as dt
import logging

from django.urls import reverse

from .. import permissions
from ..models import AccessLogCheck, Headquarters, User
from ..services import notice_send
from ..utils import dates
from . import chain

logger = logging.getLogger(__name__)

BROKEN_TITLE = "閲覧記録の改ざん検知で異常が見つかりました"


def auditors() -> list[User]:
    """Everyone holding audit_access at some headquarters: whom the audit tells."""
    people: dict[int, User] = {}
    for hq in Headquarters.objects.all():
        for user in permissions.users_with_perm(hq, "audit_access"):
            people[user.pk] = user
    return list(people.values())


def access_log_verify(
    *, actor: User | None, day: dt.date | None = None, notify: bool = True
) -> AccessLogCheck:
    """Walk the chains (all of them, or the positions of one day's events), keep the result
    and, when a link is broken, tell HQ auditors: a title and a link, nothing else."""
    result = chain.verify_day(day) if day else chain.verify()
    first = result.first
    scope = f"{dates.date_ja(day)}の記録" if day else "全記録"
    check = AccessLogCheck.objects.create(
        ok=result.ok,
        checked=result.checked,
        broken_chain=first.chain if first else None,
        broken_seq=first.seq if first else None,
        broken_event_id=first.event_id if first else None,
        message=(
            f"{scope}：{result.checked}件を検証し、異常はありません。"
            if first is None
            else f"{scope}：最初の異常は{first.describe()}"
        )[:300],
    )
    if first is not None:
        logger.error("access log chain broken: %s", first.describe())
        if notify:
            notice_send(
                recipients=auditors(), title=BROKEN_TITLE, url=reverse("accounts:audit_integrity")
            )
    return check
