"""The network's overview pages: one station's figures, and HQ's table across stations."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.exceptions import PermissionDenied
from accounts.models import AccessEvent
from accounts.services import access_event_record
from accounts.utils import charts, dates
from accounts.utils.http import GET_ONLY
from network.audit import ROSTER
from network.overview import policy, selectors


@GET_ONLY
@login_required
def overview_home(request: HttpRequest) -> HttpResponse:
    """HQ sees the table of stations; a station's people go straight to their station."""
    if not policy.may_review(request.user):
        raise PermissionDenied("地域安全ネットワークの状況を見る権限がありません。")
    stations = selectors.overview_stations(user=request.user)
    if not policy.may_review_all(request.user):
        only = list(stations[:2])
        if len(only) == 1:
            return redirect("network:station_overview", pk=only[0].pk)
    today = timezone.localdate()
    rows = selectors.hq_overview(stations=stations, today=today)
    return render(
        request,
        "network/overview/hq.html",
        {"rows": rows, "today": today, "here": "地域安全ネットワークの状況"},
    )


@GET_ONLY
@login_required
def station_overview(request: HttpRequest, pk: int) -> HttpResponse:
    station = selectors.overview_station_get(user=request.user, pk=pk)
    today = timezone.localdate()
    names = policy.may_read_names(request.user, station)
    overview = selectors.station_overview(station=station, today=today, names=names)
    if names and overview.burdened:
        # The burden list names members: a read of the roster's personal data.
        access_event_record(
            user=request.user,
            action=AccessEvent.Action.LIST,
            # A read of the roster's names: it joins the roster's events in the audit.
            object_type=ROSTER,
            object_id=station.pk,
            station=station,
            summary="地域安全ネットワークの状況（連絡の多い連絡員）",
            record_count=len(overview.burdened),
        )
    months = overview.exchanges_by_month
    return render(
        request,
        "network/overview/station.html",
        {
            "station": station,
            "o": overview,
            "names": names,
            "reviews_many": policy.may_review_all(request.user),
            "exchange_chart": charts.bar_chart(
                "月別の情報交換の件数", [(f"{m.month}月", n) for m, n, _ in months]
            ),
            "period": f"{dates.month_ja(months[0][0])}から{dates.month_ja(months[-1][0])}まで",
            "here": f"{station.name}の地域安全ネットワーク",
        },
    )
