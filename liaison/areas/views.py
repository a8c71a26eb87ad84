"""管内: the list of beats with their areas, and the page that sets a beat's areas."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import Beat
from accounts.utils.http import GET_ONLY, GET_POST, Attempt, page_number
from liaison.areas import selectors, services
from liaison.areas.forms import BeatAreaForm

BEATS_PER_PAGE = 50


@GET_ONLY
@login_required
def beat_area_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.holds_anywhere(user, "set_beat_area", Beat):
        raise PermissionDenied("受持区の区域を設定できるのは地域課長等と本部の統括管理責任者です。")
    page = Paginator(selectors.area_beat_list(user=user), BEATS_PER_PAGE).get_page(
        page_number(request)
    )
    beats = list(page.object_list)
    stations = list({beat.post.station_id: beat.post.station for beat in beats}.values())
    unset = selectors.unassigned_station_ids(stations)
    return render(
        request,
        "liaison/areas/list.html",
        {
            "here": "受持区の区域（管内）",
            "page": page,
            "beats": beats,
            "unset_stations": [s for s in stations if s.pk in unset],
        },
    )


@GET_POST
@login_required
def beat_area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    beat = selectors.area_beat_get(user=request.user, pk=pk)
    if not permissions.has_perm(request.user, "set_beat_area", beat):
        raise PermissionDenied("この受持区の区域を設定できるのは、担当の地域課長等と本部です。")
    areas = selectors.areas_of(beat=beat)
    form = BeatAreaForm(request.POST or None, initial={"areas": selectors.area_text(areas)})
    if request.method == "POST" and form.is_valid():
        with Attempt(form, default_field="areas") as attempt:
            saved = services.beat_areas_set(
                actor=request.user,
                beat=beat,
                text=form.cleaned_data["areas"],
                reason=form.cleaned_data["reason"],
            )
        if attempt.ok:
            messages.success(
                request,
                f"{beat.post.name} {beat.name}の区域を保存しました（{len(saved)}件）。",
            )
            return redirect("liaison:beat_area_list")
    return render(
        request,
        "liaison/areas/edit.html",
        {
            "here": f"{beat.post.name} {beat.name}の区域",
            "beat": beat,
            "areas": areas,
            "form": form,
            "history": selectors.area_history(beat=beat),
        },
    )
