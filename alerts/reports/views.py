"""あんしんメールの統計 (issue 14 point 6): one page of reports for a period of months, each
table with its chart and a CSV download. Who sees which 所属's figures is
alerts.reports.policy's; the figures are alerts.reports.selectors'."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from accounts.exceptions import PermissionDenied
from accounts.utils import dates
from accounts.utils.exports import csv_response
from accounts.utils.http import GET_ONLY

from . import charts, policy, selectors
from .forms import ReportPeriodForm
from .tables import Period


def _scope_and_period(request: HttpRequest) -> tuple[policy.ReportScope, Period, ReportPeriodForm]:
    scope = policy.report_scope(request.user)
    if scope is None:
        raise PermissionDenied(policy.NO_REPORT)
    this_month = dates.month_first(timezone.localdate())
    form = ReportPeriodForm(request.GET, this_month=this_month)
    return scope, Period(*form.period_bounds()), form


@GET_ONLY
@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    scope, period, form = _scope_and_period(request)
    report = selectors.report_get(scope=scope, period=period)
    return render(
        request,
        "alerts/reports/index.html",
        {
            "here": "あんしんメールの統計",
            "form": form,
            "report": report,
            "charts": charts.report_charts(report),
            "query": request.GET.urlencode() if form.is_valid() else "",
        },
    )


@GET_ONLY
@login_required
def report_csv(request: HttpRequest, key: str) -> HttpResponseBase:
    scope, period, _ = _scope_and_period(request)
    table = selectors.report_table(scope=scope, period=period, key=key)
    if table is None:
        raise Http404("その表はありません。")
    stamp = f"{dates.month_value(period.start)}_{dates.month_value(period.end)}"
    return csv_response(table.header, table.rows, filename=f"{table.caption}_{stamp}.csv")
