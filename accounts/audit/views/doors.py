"""The doors of the audit pages that show no one object (lists, searches, the report, the
detection form): 403 for whoever may not open them, the sign-in page for anonymous users.
A page about one object (a case) asks its selector instead, which answers 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from ... import permissions
from ...exceptions import PermissionDenied


def allowed(check: Callable, message: str) -> Callable:
    """A view decorator: the view runs only when `check(user)` holds, else 403 `message`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


# HQ auditors only: the access log, change history, 改ざん検知.
auditor_required = allowed(
    permissions.can_audit, "閲覧記録の監査は本部の監査担当者のみが行えます。"
)
# The list of anomaly cases: HQ auditors and the 取扱責任者 of a post.
cases_reader = allowed(
    permissions.may_list_anomaly_cases,
    "要確認事案は本部の監査担当者と取扱責任者のみが閲覧できます。",
)
# Running detection by hand: HQ auditors only.
detector = allowed(permissions.can_audit, "要確認事案の検出は本部の監査担当者のみが行えます。")
# The monthly report (counts only): HQ auditors and the 統括管理責任者.
report_reader = allowed(
    permissions.can_view_audit_report,
    "監査報告は本部の監査担当者と統括管理責任者のみが閲覧できます。",
)
