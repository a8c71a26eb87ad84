"""Pages of the community groups (自治会等, seed 001 前文・1, 4⑶): the station's list, read by
every department; registered and changed by the 署地域課."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.exceptions import PermissionDenied
from accounts.inputs import query_text
from accounts.models import Station
from accounts.utils.http import GET_ONLY, GET_POST, Attempt, page_number
from network.members import policy, selectors, services
from network.members.forms import GroupForm

PER_PAGE = 50


@GET_ONLY
@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    policy.roster_require(request.user)
    q = query_text(request, "q", max_length=60)
    groups = selectors.group_list(user=request.user).annotate(
        members=Count("memberships", filter=Q(memberships__member__status="active"))
    )
    if q:
        groups = groups.filter(
            Q(name__icontains=q) | Q(municipality__icontains=q) | Q(area__icontains=q)
        )
    page = Paginator(groups.order_by("station__name", "municipality", "name"), PER_PAGE)
    return render(
        request,
        "network/members/group_list.html",
        {
            "here": "団体",
            "page": page.get_page(page_number(request)),
            "q": q,
            "may_keep": selectors.keep_stations(user=request.user).exists(),
        },
    )


def _keep_station(request: HttpRequest) -> Station:
    station = selectors.keep_stations(user=request.user).order_by("pk").first()
    if station is None:
        raise PermissionDenied("団体を登録できるのは、連絡員一覧表を管理する署地域課です。")
    return station


@GET_POST
@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    station = _keep_station(request)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            group = services.group_create(actor=request.user, station=station, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, f"団体「{group.name}」を登録しました。")
            return redirect("network:group_list")
    return render(
        request,
        "network/members/group_form.html",
        {"here": "団体の登録", "form": form, "station": station},
    )


@GET_POST
@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get(user=request.user, pk=pk)
    if not policy.may_keep(request.user, group.station):
        raise PermissionDenied("団体を変更できるのは、連絡員一覧表を管理する署地域課です。")
    initial = {f: getattr(group, f) for f in ("kind", "name", "municipality", "area", "note")}
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            services.group_update(actor=request.user, group=group, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, f"団体「{form.cleaned_data['name']}」を保存しました。")
            return redirect("network:group_list")
    return render(
        request,
        "network/members/group_form.html",
        {"here": "団体の変更", "form": form, "station": group.station, "group": group},
    )
