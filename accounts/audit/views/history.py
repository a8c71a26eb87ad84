"""変更履歴 of the HQ audit: who changed which fields of cards, members, vehicles, visits and
appointments, when and why. Only HQ auditors (403 for everyone else); the values of a change
only for an auditor who also holds a card role over the card (the source decides).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ... import services
from ...models import AccessEvent
from ...utils.http import GET_ONLY
from .. import history, registry
from ..forms import HistoryFilterForm
from .doors import auditor_required


@GET_ONLY
@auditor_required
def audit_history_list(request: HttpRequest) -> HttpResponse:
    form = HistoryFilterForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        filters = form.filters() if form.is_bound else history.HistoryFilter()
        cursor = form.cleaned_data.get("after") if form.is_bound else None
        page = history.history_list(user=request.user, filters=filters, cursor=cursor)
        # Counts and which conditions were used; never the terms (a name is personal data).
        used = filters.used
        shown = f"（うち値を表示 {page.values_shown}件）" if page.values_shown else ""
        services.access_event_record(
            user=request.user,
            action=AccessEvent.Action.SEARCH if used else AccessEvent.Action.LIST,
            object_type=registry.history_source(filters.source).object_type
            if filters.source
            else "",
            summary=f"変更履歴の{'検索（' + '・'.join(used) + '）' if used else '一覧'}"
            f" {len(page.entries)}件{shown}{'' if page.is_first else '（続き）'}",
            record_count=len(page.entries),
        )
    return render(request, "accounts/audit/history_list.html", {"form": form, "page": page})


@GET_ONLY
@auditor_required
def audit_history_object(request: HttpRequest, source: str, object_id: int) -> HttpResponse:
    found = registry.history_source(source)
    if found is None:
        raise Http404("ページが見つかりません。")
    result = history.object_history(
        user=request.user, source=found, object_id=object_id, page_number=request.GET.get("page")
    )
    if result is None:
        raise Http404("ページが見つかりません。")
    object_type, owner_id = result.owner
    # With the values shown, the auditor read the card's contents as its officers do: a VIEW
    # of the card. Without, a list of who changed which fields.
    services.access_event_record(
        user=request.user,
        action=AccessEvent.Action.VIEW if result.values_shown else AccessEvent.Action.LIST,
        object_type=object_type,
        object_id=owner_id,
        summary=f"変更履歴の閲覧（{found.label} No.{object_id}）{len(result.entries)}件"
        f"{'（値を表示）' if result.values_shown else ''}",
        record_count=len(result.entries),
    )
    return render(request, "accounts/audit/history_object.html", {"result": result})


urlpatterns = [
    path("audit/history/", audit_history_list, name="audit_history_list"),
    path(
        "audit/history/<str:source>/<id:object_id>/",
        audit_history_object,
        name="audit_history_object",
    ),
]
