"""Home panels and menu entries of the HQ audit, registered with accounts.navigation from
AuditConfig.ready(): the 24-hour watch counts and the open anomaly cases (templates under
templates/accounts/panels/), and the five audit pages in the menu.

Each panel costs a fixed number of queries (one aggregate): the home page is opened many
times a day by everyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from .. import permissions
from ..models import AccessEvent, AnomalyCase, User
from ..navigation import HomePanel, NavEntry, register_nav, register_panel
from . import cases
from .case_selectors import anomaly_case_scope

Status = AnomalyCase.Status
WATCH_WINDOW = dt.timedelta(hours=24)


# --- 直近24時間の注意事項 (HQ auditors) ----------------------------------------------------------


@dataclass(frozen=True)
class WatchCounts:
    """Events worth a look in the last 24 hours; counts only, no personal data."""

    denied: int = 0
    lockouts: int = 0
    failed_sign_ins: int = 0
    since: dt.datetime | None = None

    @property
    def total(self) -> int:
        return self.denied + self.lockouts + self.failed_sign_ins


def access_event_watch_counts(*, user: User, now: dt.datetime | None = None) -> WatchCounts:
    if not permissions.can_audit(user):
        return WatchCounts()
    since = (now or timezone.now()) - WATCH_WINDOW
    action = AccessEvent.Action
    counts = AccessEvent.objects.filter(
        occurred_at__gte=since,
        action__in=[action.DENIED, action.LOCKOUT, action.LOGIN_FAILED],
    ).aggregate(
        denied=Count("pk", filter=Q(action=action.DENIED)),
        lockouts=Count("pk", filter=Q(action=action.LOCKOUT)),
        failed_sign_ins=Count("pk", filter=Q(action=action.LOGIN_FAILED)),
    )
    return WatchCounts(since=since, **counts)


def audit_watch_panel(user: User) -> dict[str, Any]:
    return {"counts": access_event_watch_counts(user=user)}


# --- 要確認事案 --------------------------------------------------------------------------------


def anomaly_cases_panel(user: User) -> dict:
    """Open and overdue cases in the user's scope: one aggregate query."""
    counts = anomaly_case_scope(user=user).aggregate(
        open=Count("pk", filter=Q(status=Status.OPEN)),
        overdue=Count("pk", filter=cases.overdue_q()),
        escalated=Count("pk", filter=Q(status=Status.ESCALATED)),
    )
    url = reverse("accounts:audit_case_list")
    return {
        **counts,
        "url": url,
        "open_url": f"{url}?status={Status.OPEN}",
        "overdue_url": f"{url}?overdue=on",
        "overdue_label": cases.overdue_label(),
    }


# --- Registration --------------------------------------------------------------------------


def register_audit_entries() -> None:
    # 閲覧記録の監査: HQ auditors; 要確認事案 also 取扱責任者; the report also 統括管理責任者.
    register_nav(NavEntry("閲覧記録の監査", "accounts:audit_event_list", permissions.can_audit, 60))
    register_nav(
        NavEntry("要確認事案", "accounts:audit_case_list", permissions.may_list_anomaly_cases, 62)
    )
    register_nav(NavEntry("変更履歴", "accounts:audit_history_list", permissions.can_audit, 64))
    register_nav(NavEntry("改ざん検知", "accounts:audit_integrity", permissions.can_audit, 66))
    register_nav(
        NavEntry("監査報告", "accounts:audit_report", permissions.can_view_audit_report, 68)
    )
    register_panel(
        HomePanel(
            "直近24時間の注意事項",
            "accounts/panels/audit_watch.html",
            permissions.can_audit,
            audit_watch_panel,
            order=50,
        )
    )
    register_panel(
        HomePanel(
            "要確認事案",
            "accounts/panels/anomaly_cases.html",
            permissions.may_list_anomaly_cases,
            anomaly_cases_panel,
            order=55,
        )
    )
