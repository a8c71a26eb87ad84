"""要確認事案 (anomaly cases) and the monthly audit report.

HQ auditors see and review every case and may run detection for a day; a 取扱責任者 sees
and reviews the break-the-glass cases of his beats (another case's page is a 404 to him);
anyone else gets 403 on the list. The report (counts only) is for HQ auditors and the
統括管理責任者. Each page reads from one selector of accounts.audit.case_selectors; the
writes are accounts.audit.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from ... import permissions
from ...exceptions import DomainError, PermissionDenied
from ...models import AccessEvent, AnomalyCase
from ...services import access_event_record
from ...utils import dates
from ...utils.http import GET_ONLY, GET_POST, add_errors
from .. import case_selectors
from ..anomalies import EVENT_IDS_LIMIT
from ..forms import (
    CaseFilterForm,
    CaseReviewForm,
    DetectForm,
    ReportMonthForm,
    yesterday,
)
from ..services import anomalies_detect, anomaly_case_review
from .doors import cases_reader, detector, report_reader

# --- Cases ---------------------------------------------------------------------------------


@GET_ONLY
@cases_reader
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    listing = case_selectors.anomaly_case_list_get(user=user)
    form = CaseFilterForm(
        request.GET or None, stations=listing.stations, overdue_label=listing.overdue_label
    )
    if form.is_bound:
        form.is_valid()  # a wrong filter shows at its field; the valid ones still apply
    filters = form.filters()
    page = listing.page(page_number=request.GET.get("page"), **filters)
    # The list names officers: record the listing (counts, not the filters' values).
    access_event_record(
        user=user,
        action=AccessEvent.Action.LIST,
        object_type="accounts.anomalycase",
        summary=f"要確認事案一覧 {page.paginator.count}件（{page.number}ページ目）",
        record_count=len(page.object_list),
    )
    return render(
        request,
        "accounts/audit/case_list.html",
        {
            "form": form,
            "page": page,
            "overdue_label": listing.overdue_label,
            "review_period": listing.review_period,
            "may_detect": permissions.can_audit(user),
            "filtered": any(filters.values()),
        },
    )


def _case_page(
    request: HttpRequest,
    detail: case_selectors.CaseDetail,
    form: CaseReviewForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "accounts/audit/case_detail.html",
        {
            "case": detail.case,
            "figures": detail.figures,
            "events": detail.events,
            "reviews": detail.reviews,
            "form": form or CaseReviewForm(moves=detail.moves),
            "moves": detail.moves,
            "overdue_label": detail.overdue_label,
            # The audit search pages are the auditors'; a 取扱責任者 gets no dead links.
            "links": permissions.can_audit(request.user),
            "event_limit": EVENT_IDS_LIMIT,
        },
    )


@GET_POST
@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case, its events and review history; POST records one review step after a
    confirmation page (the first POST shows it, the second, with confirm=yes, records)."""
    user = request.user
    detail = case_selectors.anomaly_case_detail_get(
        user=user, pk=pk, page_number=request.GET.get("page")
    )
    case, moves = detail.case, detail.moves
    if request.method == "GET":
        access_event_record(user=user, action=AccessEvent.Action.VIEW, obj=case)
        return _case_page(request, detail)
    if not moves:
        raise PermissionDenied("この事案を確認する権限がありません。")
    form = CaseReviewForm(request.POST, moves=moves)
    if not form.is_valid():
        return _case_page(request, detail, form)
    to_status = form.cleaned_data["to_status"]
    note = form.cleaned_data["note"].strip()
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "accounts/audit/case_confirm.html",
            {
                "case": case,
                "form": form,
                "to_label": AnomalyCase.Status(to_status).label,
                "move_label": dict(moves)[to_status],
                "note": note,
                "here": "確認の記録",
            },
        )
    # Not Attempt: the two refusals end in two places (the note's error on the case page
    # again; a rule's refusal as a message after the redirect).
    try:
        case = anomaly_case_review(actor=user, case=case, to_status=to_status, note=note)
    except ValidationError as exc:
        add_errors(form, exc, default_field="note")
        return _case_page(request, detail, form)
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"事案 No.{case.pk} を「{case.get_status_display()}」にしました。"
        )
    return redirect("accounts:audit_case_detail", pk=case.pk)


@GET_POST
@detector
def case_detect(request: HttpRequest) -> HttpResponse:
    """Run the rules for one day now (the daily task does yesterday by itself); the counts
    come back as a message after the redirect, so a reload runs nothing twice."""
    form = DetectForm(request.POST or None, initial={"day": yesterday()})
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["day"]
        counts = anomalies_detect(actor=request.user, day=day)
        found = [
            f"{label} {counts[kind]}件"
            for kind, label in AnomalyCase.Kind.choices
            if counts.get(kind)
        ]
        messages.success(
            request,
            f"{dates.date_ja(day)}の閲覧記録を調べました。"
            f"新しい事案は{sum(counts.values())}件です"
            + (f"（{'、'.join(found)}）。" if found else "。"),
        )
        return redirect("accounts:audit_case_detect")
    return render(
        request,
        "accounts/audit/case_detect.html",
        {"form": form, "here": "要確認事案の検出"},
    )


# --- Report --------------------------------------------------------------------------------


@GET_ONLY
@report_reader
def report(request: HttpRequest) -> HttpResponse:
    form = ReportMonthForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "accounts/audit/report.html",
            {"form": form, "report": None, "may_list_cases": permissions.can_audit(request.user)},
            status=400,
        )
    month = form.cleaned_data["month"]
    report = case_selectors.audit_report_get(user=request.user, month=month)
    return render(
        request,
        "accounts/audit/report.html",
        {
            "form": ReportMonthForm(initial={"month": month}),
            "report": report,
            "previous": report.previous,
            "following": report.following,
            "may_list_cases": permissions.can_audit(request.user),
            "overdue_label": report.overdue_label,
        },
    )


urlpatterns = [
    path("audit/cases/", case_list, name="audit_case_list"),
    path("audit/cases/detect/", case_detect, name="audit_case_detect"),
    path("audit/cases/<id:pk>/", case_detail, name="audit_case_detail"),
    path("audit/report/", report, name="audit_report"),
]
