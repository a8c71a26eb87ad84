"""改ざん検知: when the access log was last proven whole, where it broke, what retention
removed; HQ auditors may start a verification now (it runs on the queue)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from ...utils.http import GET_ONLY, POST_ONLY
from .. import selectors
from ..tasks import access_log_verify
from .doors import auditor_required


@GET_ONLY
@auditor_required
def integrity(request: HttpRequest) -> HttpResponse:
    overview = selectors.integrity_overview(page_number=request.GET.get("page"))
    checks = overview.checks
    return render(
        request,
        "accounts/audit/integrity.html",
        {
            "page": checks,
            "latest": checks.object_list[0] if checks.number == 1 and checks.object_list else None,
            "purges": overview.purges,
            "chains": overview.chains,
        },
    )


@POST_ONLY
@auditor_required
def integrity_verify(request: HttpRequest) -> HttpResponse:
    transaction.on_commit(access_log_verify.delay)
    messages.success(
        request, "検証を開始しました。結果はこの画面に表示し、異常があれば通知でお知らせします。"
    )
    return redirect("accounts:audit_integrity")


urlpatterns = [
    path("audit/integrity/", integrity, name="audit_integrity"),
    path("audit/integrity/verify/", integrity_verify, name="audit_integrity_verify"),
]
