"""The per-request floor: a signed-in page that shows nothing.

It passes through every middleware (session, sign-in, two factors, CSP …), draws the
menu and the signed-in header from base.html and records one access event, as every page
officers use does, and does nothing else. A page's time minus this one is what the page
itself costs. Served only by the benchmark's URLconf (`bench.urls`), never by the app.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.http import require_GET

from accounts.models import AccessEvent
from accounts.services import access_event_record


@require_GET
@login_required
def floor(request: HttpRequest) -> HttpResponse:
    access_event_record(
        user=request.user, action=AccessEvent.Action.VIEW, summary="ベンチ（空のページ）"
    )
    return render(request, "bench/floor.html")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("", include("config.urls")),
]
