"""閲覧記録の監査 pages: HQ auditors search the access log, read one person's timeline and one
object's access history, and export a search as CSV.

Only HQ auditors get anything here: everyone else gets 403 (these pages show no object of
theirs to hide), anonymous users the sign-in page. Auditors see events, never card
contents: objects are shown by the labels their app gives (accounts.audit.registry).
Every page that shows events records one access event naming the filters used, never a
name searched for. A malformed form searches nothing and records nothing; a name that
matches nobody was looked up all the same and is recorded as a search that found nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from ... import services
from ...models import AccessEvent
from ...utils.exports import csv_response
from ...utils.http import GET_ONLY
from .. import selectors
from ..forms import AccessEventFilterForm, AccessEventRangeForm
from .doors import auditor_required

LOG_TYPE = "accounts.accessevent"


def _record(request: HttpRequest, action: str, summary: str, count: int | None = None) -> None:
    services.access_event_record(
        user=request.user,
        action=action,
        object_type=LOG_TYPE,
        summary=summary,
        record_count=count,
    )


def _shown(page: selectors.EventPage) -> str:
    return f"{len(page.rows)}件表示{'' if page.is_first else '（続き）'}"


# --- 検索 --------------------------------------------------------------------------------------


def _search(request: HttpRequest):
    """The form, and the resolution of its names when it is valid (else None)."""
    form = AccessEventFilterForm(request.GET)
    resolution = None
    if form.is_valid():
        resolution = selectors.event_filter_resolve(user=request.user, **form.resolve_kwargs())
        for name, message in resolution.errors.items():
            form.add_error(name, message)
        if resolution.filters is None:
            # A name that matched nobody was still looked up: the lookup is an event, with
            # the kinds of filter used, never the name.
            _record(
                request,
                AccessEvent.Action.SEARCH,
                f"閲覧記録の検索（{resolution.used_label()}） 該当なし",
                0,
            )
    return form, resolution


@GET_ONLY
@auditor_required
def audit_event_list(request: HttpRequest) -> HttpResponse:
    form, resolution = _search(request)
    page = None
    if resolution is not None and resolution.filters is not None:
        page = selectors.access_event_search(
            user=request.user,
            filters=resolution.filters,
            after=form.cleaned_data.get("after"),
        )
        _record(
            request,
            AccessEvent.Action.SEARCH,
            f"閲覧記録の検索（{resolution.filters.used_label()}） {_shown(page)}",
            len(page.rows),
        )
    return render(
        request,
        "accounts/audit/event_list.html",
        {
            "form": form,
            "resolution": resolution,
            "page": page,
            "export_max": f"{selectors.EXPORT_MAX_ROWS:,}",
        },
    )


CSV_COLUMNS = [
    "日時",
    "職員番号",
    "氏名",
    "役職",
    "警察署",
    "操作",
    "対象の種類",
    "対象ID",
    "対象",
    "結果",
    "件数",
    "担当範囲外",
    "緊急閲覧",
    "概要",
    "接続元",
    "リクエストID",
]


def _csv_rows(rows: Iterable[selectors.EventRow]) -> Iterator[list[object]]:
    for row in rows:
        e = row.event
        yield [
            e.occurred_at,
            e.user.employee_number if e.user else e.username,
            e.user.full_name if e.user else "",
            row.role_label,
            e.station.name if e.station else "",
            e.get_action_display(),
            e.object_type,
            e.object_id,
            row.target,
            e.get_outcome_display(),
            e.record_count,
            "○" if e.out_of_scope else "",
            "○" if e.break_glass else "",
            e.summary,
            e.client_ip,
            e.request_id,
        ]


@GET_ONLY
@auditor_required
def audit_event_export(request: HttpRequest) -> HttpResponse:
    form, resolution = _search(request)
    if resolution is None or resolution.filters is None:
        # Nothing to export: the search page says why, at the fields.
        return render(
            request,
            "accounts/audit/event_list.html",
            {
                "form": form,
                "resolution": resolution,
                "page": None,
                "export_max": f"{selectors.EXPORT_MAX_ROWS:,}",
            },
            status=400,
        )
    filters = resolution.filters
    plan = selectors.access_event_export_plan(user=request.user, filters=filters)
    capped = "（上限で打ち切り）" if plan.capped else ""
    # Recorded before a single row leaves; the count is the file's.
    _record(
        request,
        AccessEvent.Action.EXPORT,
        f"閲覧記録のCSV出力（{filters.used_label()}） {plan.count}件{capped}",
        plan.count,
    )
    rows = selectors.access_event_export_rows(user=request.user, plan=plan)
    filename = f"閲覧記録_{timezone.localtime():%Y%m%d_%H%M}.csv"
    return csv_response(CSV_COLUMNS, _csv_rows(rows), filename=filename)


# --- 職員別 -------------------------------------------------------------------------------------


@GET_ONLY
@auditor_required
def audit_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.audit_person_get(user=request.user, pk=pk)
    form = AccessEventRangeForm(request.GET)
    page = summary = None
    if form.is_valid():
        start, end = form.bounds()
        page = selectors.person_timeline(
            user=request.user,
            person=person,
            start=start,
            end=end,
            after=form.cleaned_data.get("after"),
        )
        summary = selectors.person_activity_summary(
            user=request.user, person=person, start=start, end=end
        )
        period = "・期間" if start or end else ""
        _record(
            request,
            AccessEvent.Action.SEARCH,
            f"閲覧記録の検索（職員別 職員番号{person.employee_number}{period}） {_shown(page)}",
            len(page.rows),
        )
    return render(
        request,
        "accounts/audit/person_timeline.html",
        {"person": person, "form": form, "page": page, "summary": summary},
    )


# --- 対象別 -------------------------------------------------------------------------------------


@GET_ONLY
@auditor_required
def audit_object(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    obj = selectors.audit_object_get(
        user=request.user, object_type=object_type, object_id=object_id
    )
    form = AccessEventRangeForm(request.GET)
    page = None
    if form.is_valid():
        start, end = form.bounds()
        page = selectors.audit_object_history(
            user=request.user,
            obj=obj,
            after=form.cleaned_data.get("after"),
            start=start,
            end=end,
        )
        period = "・期間" if start or end else ""
        # The label names where the object is, not whose it is: safe in the log.
        _record(
            request,
            AccessEvent.Action.SEARCH,
            f"閲覧記録の検索（対象別 {obj.label}{period}） {_shown(page)}",
            len(page.rows),
        )
    return render(
        request,
        "accounts/audit/object_history.html",
        {"obj": obj, "form": form, "page": page},
    )


urlpatterns = [
    path("audit/events/", audit_event_list, name="audit_event_list"),
    path("audit/events/export.csv", audit_event_export, name="audit_event_export"),
    path("audit/people/<id:pk>/", audit_person, name="audit_person"),
    path("audit/objects/<str:object_type>/<str:object_id>/", audit_object, name="audit_object"),
]
