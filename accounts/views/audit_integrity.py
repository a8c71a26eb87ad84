"""改ざん検知: when the access log was last proven whole, where it broke, what retention
removed; HQ auditors may start a verification now (it runs on the queue)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from .. import permissions
from ..exceptions import PermissionDenied
from ..models import AccessChainHead, AccessLogCheck, AccessLogPurge


def auditor_required(view: Callable) -> Callable:
    """403 for anyone but HQ auditors (these pages show no object of anyone's scope)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not permissions.can_audit(request.user):
            raise PermissionDenied("閲覧記録の監査は本部の監査担当者のみが行えます。")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


@require_GET
@auditor_required
def integrity(request: HttpRequest) -> HttpResponse:
    checks = Paginator(AccessLogCheck.objects.all(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/audit/integrity.html",
        {
            "page": checks,
            "latest": checks.object_list[0] if checks.number == 1 and checks.object_list else None,
            "purges": AccessLogPurge.objects.all()[:10],
            "heads": AccessChainHead.objects.order_by("chain"),
        },
    )


@require_POST
@auditor_required
def integrity_verify(request: HttpRequest) -> HttpResponse:
    from ..tasks import access_log_verify

    transaction.on_commit(access_log_verify.delay)
    messages.success(
        request, "検証を開始しました。結果はこの画面に表示し、異常があれば通知でお知らせします。"
    )
    return redirect("accounts:audit_integrity")


urlpatterns = [
    path("audit/integrity/", integrity, name="audit_integrity"),
    path("audit/integrity/verify/", integrity_verify, name="audit_integrity_verify"),
]
