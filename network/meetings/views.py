"""Pages of 地域安全の会 (seed 001 3⑶): the station's meetings, one meeting, recording one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import AccessEvent
from accounts.services import access_event_record
from accounts.utils.http import GET_ONLY, GET_POST, Attempt, page_number
from network.exchanges.forms import request_formset, request_inputs
from network.meetings import policy, selectors, services
from network.meetings.filters import MeetingFilterSet
from network.meetings.forms import MeetingForm

PER_PAGE = 30


@GET_ONLY
@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    policy.read_require(user)
    filterset = MeetingFilterSet(request.GET, queryset=selectors.meeting_list(user=user))
    counts = filterset.qs.aggregate(total=Count("pk"), joined=Count("pk", filter=~Q(joined_to="")))
    page = Paginator(filterset.qs, PER_PAGE).get_page(page_number(request))
    return render(
        request,
        "network/meetings/meeting_list.html",
        {
            "here": "地域安全の会",
            "filterset": filterset,
            "page": page,
            "counts": counts,
            "may_hold": policy.may_hold(user),
        },
    )


@GET_ONLY
@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.VIEW,
        obj=meeting,
        station=meeting.station,
        summary="地域安全の会の閲覧",
    )
    return render(
        request,
        "network/meetings/meeting_detail.html",
        {"here": f"地域安全の会（{meeting.place}）", "meeting": meeting},
    )


@GET_POST
@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    station = policy.hold_station(user)
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, user=user, station=station)
    formset = request_formset(
        data, departments=selectors.meeting_department_choices(station=station)
    )
    if data is not None and form.is_valid() & formset.is_valid():
        with Attempt(form) as attempt:
            meeting = services.meeting_record(
                actor=user,
                station=station,
                **form.service_kwargs(),
                requests=request_inputs(formset),
            )
        if attempt.ok:
            messages.success(request, f"地域安全の会（{meeting.place}）を記録しました。")
            return redirect("network:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "network/meetings/meeting_form.html",
        {"here": "地域安全の会の記録", "form": form, "formset": formset, "station": station},
    )
