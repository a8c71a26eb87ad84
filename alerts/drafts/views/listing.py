"""The alert list (what the user may see, searched and filtered) and the inbox (the steps
waiting at his desks, 「直ちに」 first, with how long each step has waited: seed 003 4⑵,
issue 13 point 8 — an alert once went out seventeen hours late)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.utils.dates import duration_ja
from accounts.utils.http import GET_ONLY, page_number
from alerts.drafts import policy, selectors
from alerts.drafts.forms import AlertFilterForm

from .common import require_alert_desk, step_desk, wait_rows

PER_PAGE = 50


@GET_ONLY
@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    require_alert_desk(request)
    form = AlertFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    alerts = selectors.alerts_list(
        request.user,
        status=filters.get("status") or None,
        category=filters.get("category"),
        q=filters.get("q") or None,
    )
    page = Paginator(alerts, PER_PAGE).get_page(page_number(request))
    return render(
        request,
        "alerts/drafts/list.html",
        {
            "here": "あんしんメール",
            "form": form,
            "page": page,
            "filtered": bool(filters and any(filters.values())),
            "may_draft": policy.may_draft(request.user),
        },
    )


@GET_ONLY
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    require_alert_desk(request)
    now = timezone.now()
    rows = []
    for step in selectors.inbox_steps(request.user):
        alert = step.alert
        waits = wait_rows(alert, now=now)
        rows.append(
            {
                "step": step,
                "alert": alert,
                "desk": step_desk(step),
                "immediate": alert.category.is_immediate,
                "urgent": alert.category.is_urgent or alert.category.is_immediate,
                "waited_here": duration_ja(now - step.arrived_at) if step.arrived_at else "",
                "waited_total": duration_ja(now - alert.reported_at) if alert.reported_at else "",
                "waits": waits,
            }
        )
    return render(
        request,
        "alerts/drafts/inbox.html",
        {"here": "承認待ちの配信", "rows": rows, "now": now},
    )
