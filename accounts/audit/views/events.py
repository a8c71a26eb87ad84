"""閲覧記録の監査 pages: HQ auditors search the access log, read one person's timeline and one
object's access history, and export a search as CSV.

Only HQ auditors get anything here: everyone else gets 403 (these pages show no object of
theirs to hide), anonymous users the sign-in page. Auditors see events, never card
contents: objects are shown by the labels their app gives (accounts.audit.registry).
Every page that shows events records one access event naming the filters used, never a
name searched for. A malformed form searches nothing and records nothing; a name that
matches nobody was looked up all the same and is recorded as a search that found nothing.
Each page reads from one selector (accounts.audit.selectors for the search and the export,
accounts.audit.timeline_selectors for a person and an object).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from ...models import AccessEvent
from ...services import access_event_record
from ...utils.exports import csv_response
from ...utils.http import GET_ONLY
from .. import selectors, timeline_selectors
from ..events import EventPage, EventRow
from ..forms import AccessEventFilterForm, AccessEventRangeForm
from ..selectors import EventExport, EventSearch
from .doors import auditor_required

LOG_TYPE = "accounts.accessevent"


def _record(request: HttpRequest, action: str, summary: str, count: int | None = None) -> None:
    access_event_record(
        user=request.user,
        action=action,
        object_type=LOG_TYPE,
        summary=summary,
        record_count=count,
    )


def _shown(page: EventPage) -> str:
    return f"{len(page.rows)}件表示{'' if page.is_first else '（続き）'}"


# --- 検索 --------------------------------------------------------------------------------------


def _unmatched_names(
    request: HttpRequest, form: AccessEventFilterForm, found: EventSearch | EventExport
) -> None:
    """Put the names that matched nobody at their fields. Such a name was still looked up:
    when nothing is left to search, the lookup is an event, with the kinds of filter used,
    never the name."""
    for name, message in found.resolution.errors.items():
        form.add_error(name, message)
    if found.resolution.filters is None:
        _record(
            request,
            AccessEvent.Action.SEARCH,
            f"閲覧記録の検索（{found.resolution.used_label()}） 該当なし",
            0,
        )


@GET_ONLY
@auditor_required
def audit_event_list(request: HttpRequest) -> HttpResponse:
    form = AccessEventFilterForm(request.GET)
    search = None
    if form.is_valid():
        search = selectors.access_event_search_get(
            user=request.user, after=form.cleaned_data.get("after"), **form.resolve_kwargs()
        )
        _unmatched_names(request, form, search)
        if search.page is not None:
            _record(
                request,
                AccessEvent.Action.SEARCH,
                f"閲覧記録の検索（{search.resolution.used_label()}） {_shown(search.page)}",
                len(search.page.rows),
            )
    return render(
        request,
        "accounts/audit/event_list.html",
        {
            "form": form,
            "resolution": search.resolution if search else None,
            "page": search.page if search else None,
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


def _csv_rows(rows: Iterable[EventRow]) -> Iterator[list[object]]:
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
    form = AccessEventFilterForm(request.GET)
    export = None
    if form.is_valid():
        export = selectors.access_event_export_get(user=request.user, **form.resolve_kwargs())
        _unmatched_names(request, form, export)
    if export is None or export.plan is None:
        # Nothing to export: the search page says why, at the fields.
        return render(
            request,
            "accounts/audit/event_list.html",
            {
                "form": form,
                "resolution": export.resolution if export else None,
                "page": None,
                "export_max": f"{selectors.EXPORT_MAX_ROWS:,}",
            },
            status=400,
        )
    plan = export.plan
    capped = "（上限で打ち切り）" if plan.capped else ""
    # Recorded before a single row leaves; the count is the file's.
    _record(
        request,
        AccessEvent.Action.EXPORT,
        f"閲覧記録のCSV出力（{export.resolution.used_label()}） {plan.count}件{capped}",
        plan.count,
    )
    filename = f"閲覧記録_{timezone.localtime():%Y%m%d_%H%M}.csv"
    return csv_response(CSV_COLUMNS, _csv_rows(export.rows), filename=filename)


# --- 職員別 -------------------------------------------------------------------------------------


@GET_ONLY
@auditor_required
def audit_person(request: HttpRequest, pk: int) -> HttpResponse:
    form = AccessEventRangeForm(request.GET)
    valid = form.is_valid()
    found = timeline_selectors.audit_person_get(
        user=request.user,
        pk=pk,
        period=form.bounds() if valid else None,
        after=form.cleaned_data.get("after") if valid else None,
    )
    person, page = found.person, found.page
    if page is not None:
        start, end = form.bounds()
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
        {"person": person, "form": form, "page": page, "summary": found.summary},
    )


# --- 対象別 -------------------------------------------------------------------------------------


@GET_ONLY
@auditor_required
def audit_object(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    form = AccessEventRangeForm(request.GET)
    valid = form.is_valid()
    found = timeline_selectors.audit_object_get(
        user=request.user,
        object_type=object_type,
        object_id=object_id,
        period=form.bounds() if valid else None,
        after=form.cleaned_data.get("after") if valid else None,
    )
    obj, page = found.obj, found.page
    if page is not None:
        start, end = form.bounds()
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
