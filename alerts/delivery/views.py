"""The live progress of an alert's sending (issue 14 point 3): a fragment the alert's page
asks for by htmx every few seconds, and the same figures as a page of their own for a
browser without script. When the fan-out is done (or can no longer change) the fragment
answers 286, on which htmx 2 stops polling."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from accounts.utils.http import GET_ONLY
from alerts.delivery import selectors

# htmx 2 swaps a 286 like a 200, then stops the element's polling.
STOP_POLLING = 286
# Seconds between polls: while mails are going out, and while only a receive-time band or
# the evening digest (hours away) or the scheduled start is awaited.
FAST, SLOW = 2, 30


@GET_ONLY
@login_required
def delivery_progress(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.alert_progress_get(request.user, pk)
    progress = view.progress
    context = {
        "alert": view.alert,
        "p": progress,
        "polls": view.polls,
        "interval": FAST if progress.queued or not progress.started else SLOW,
    }
    if not request.htmx:
        context["here"] = "配信の状況"
        return render(request, "alerts/delivery/progress_page.html", context)
    response = render(request, "alerts/delivery/partials/progress.html", context)
    if not view.polls:
        response.status_code = STOP_POLLING
    patch_vary_headers(response, ["HX-Request"])
    return response
