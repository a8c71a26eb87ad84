"""時間外の巡回連絡 (要領 第5-3 「おおむね」; issue 10 point 13): a visit that really happened
outside the hours and their tolerance, or at night without approval, is recorded with its
reason rather than lost; the 地域課長等 of the station, who approves night visits, reads each
one here and acknowledges it (who and when are kept on the visit).

Who answers what: the page is for those who approve night visits at some station (else 403);
a visit outside their stations, or within the rule, is a 404 to acknowledge.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from accounts import permissions
from accounts.exceptions import DomainError, PermissionDenied
from accounts.models import AccessEvent, Station, User
from accounts.services import access_event_record
from liaison.visits import selectors, services

from ..forms.visits import HoursAcknowledgeForm, HoursFilterForm
from ._common import GET_ONLY, POST_ONLY, page_number

PER_PAGE = 25
PANEL_LIMIT = 10


def _approver(user: User) -> None:
    if not permissions.holds_anywhere(user, "approve_night_visits", Station):
        raise PermissionDenied("時間外の巡回連絡は、夜間巡回連絡を承認する地域課長等が確認します。")


def _list_url(state: str) -> str:
    url = reverse("liaison:visit_hours_list")
    return f"{url}?state={state}" if state != HoursFilterForm.WAITING else url


@GET_ONLY
@login_required
def visit_hours_list(request: HttpRequest) -> HttpResponse:
    """The station's visits outside the hours: those waiting for acknowledgement first
    (the default filter), each with its reason and a button to acknowledge it."""
    user = request.user
    _approver(user)
    filters = HoursFilterForm(request.GET or None)
    state = filters.chosen()
    visits = selectors.visit_hours_list(user=user, state=state)
    page = Paginator(visits, PER_PAGE).get_page(page_number(request))
    access_event_record(
        user=user,
        action=AccessEvent.Action.LIST,
        object_type="liaison.liaisoncard",
        station=permissions.home_station(user),
        summary=f"時間外の巡回連絡（{HoursFilterForm.LABELS[state]}） {page.paginator.count}件"
        f"（{page.number}ページ目）",
    )
    return render(
        request,
        "liaison/visits/hours_list.html",
        {
            "here": "時間外の巡回連絡",
            "filters": filters,
            "state": state,
            "state_label": HoursFilterForm.LABELS[state],
            "page": page,
            "form": HoursAcknowledgeForm(),
            "next": _list_url(state),
        },
    )


@POST_ONLY
@login_required
def visit_hours_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_hours_get(user=request.user, pk=pk)
    form = HoursAcknowledgeForm(request.POST)
    back = request.POST.get("state", HoursFilterForm.WAITING)
    back = _list_url(back if back in HoursFilterForm.LABELS else HoursFilterForm.WAITING)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    try:
        services.visit_hours_acknowledge(
            actor=request.user, visit=visit, note=form.cleaned_data["note"]
        )
    except PermissionDenied:
        raise
    except (DomainError, ValidationError) as exc:
        messages.error(request, exc.message if isinstance(exc, DomainError) else exc.messages[0])
    else:
        messages.success(
            request,
            f"{visit.officer.full_name}さんの時間外の巡回連絡"
            f"（{visit.started_at:%Y年%m月%d日}）を確認しました。",
        )
    return redirect(back)


# --- Home panel: shown only while something waits -----------------------------------------


def _waiting(user: User) -> list:
    cache = user.__dict__
    if "_visit_hours_waiting" not in cache:
        rows: list = []
        # Asked by the menu too (cached): those who approve nothing pay no query here.
        if permissions.holds_anywhere(user, "approve_night_visits", Station):
            rows = list(
                selectors.visit_hours_list(user=user, state=HoursFilterForm.WAITING)[
                    : PANEL_LIMIT + 1
                ]
            )
        cache["_visit_hours_waiting"] = rows
    return cache["_visit_hours_waiting"]


def has_visit_hours_waiting(user: User) -> bool:
    return bool(user.is_authenticated and _waiting(user))


def visit_hours_panel(user: User) -> dict[str, Any]:
    rows = _waiting(user)
    return {"waiting": rows[:PANEL_LIMIT], "more": len(rows) > PANEL_LIMIT}


def approves_night_visits(user: User) -> bool:
    return permissions.holds_anywhere(user, "approve_night_visits", Station)


urlpatterns = [
    path("visits/outside-hours/", visit_hours_list, name="visit_hours_list"),
    path("visits/<id:pk>/acknowledge/", visit_hours_acknowledge, name="visit_hours_acknowledge"),
]
