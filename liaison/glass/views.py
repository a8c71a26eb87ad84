"""緊急閲覧: find a card of one's station outside one's beats, and open it for a stated
purpose and reason."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import permissions
from accounts.exceptions import OutOfScope, PermissionDenied
from accounts.models import AccessEvent, Station, User
from accounts.services import access_event_record
from accounts.utils.http import GET_POST, POST_ONLY, Attempt
from liaison.audit import CARD
from liaison.cards.policy import card_actions
from liaison.glass import selectors, services
from liaison.glass.forms import BreakGlassForm
from liaison.glass.models import BreakGlassPurpose

TEMPLATE = "liaison/glass/break_glass.html"


def _stations(user: User) -> list[Station]:
    stations = list(permissions.stations_for(user, "break_glass").order_by("code"))
    if not stations:
        raise PermissionDenied("緊急閲覧は、警察署に所属する職員のみが行えます。")
    return stations


def _page(
    request: HttpRequest, form: BreakGlassForm, *, status: int = 200, **extra
) -> HttpResponse:
    active = selectors.break_glass_active_list(user=request.user)
    for access in active:
        # The list names each resident (who and where): showing it is a read of that card,
        # under the glass, and joins the card's access history and its case.
        access_event_record(
            user=request.user,
            action=AccessEvent.Action.LIST,
            obj=access.card,
            station=access.card.station,
            summary="緊急閲覧中のカード一覧",
            break_glass=True,
        )
    context = {
        "form": form,
        "stations": form.stations,
        "active": active,
        "minutes": settings.BREAK_GLASS_MINUTES,
        **extra,
    }
    return render(request, TEMPLATE, context, status=status)


@GET_POST
@login_required
def break_glass(request: HttpRequest) -> HttpResponse:
    stations = _stations(request.user)
    if request.method != "POST":
        return _page(request, BreakGlassForm(stations=stations))

    form = BreakGlassForm(request.POST, stations=stations)
    if not form.is_valid():
        return _page(request, form, status=400)
    station = form.cleaned_data["station"]
    purpose = form.cleaned_data["purpose"]
    candidates = selectors.break_glass_candidate_list(
        user=request.user, station=station, query=form.cleaned_data["query"]
    )
    # Flagged for audit; the purpose and the count, never the terms (they are names).
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.SEARCH,
        object_type=CARD,
        station=station,
        summary=f"緊急閲覧の検索（{BreakGlassPurpose(purpose).label}）{len(candidates)}件",
        break_glass=True,
    )
    rows = [
        {"card": card, "url": reverse("liaison:break_glass_open", kwargs={"pk": card.pk})}
        for card in candidates
    ]
    return _page(request, form, searched=True, station=station, rows=rows)


@POST_ONLY
@login_required
def break_glass_open(request: HttpRequest, pk: int) -> HttpResponse:
    # The purpose and reason are checked before the card is looked up: until they are
    # valid, every card id gets the same answer, so that nobody learns which ids his station
    # holds by trying them.
    stations = list(permissions.stations_for(request.user, "break_glass").order_by("code"))
    if not stations:
        # Nowhere to break the glass: no card of any id is his to open.
        raise OutOfScope(CARD, str(pk))
    form = BreakGlassForm(request.POST, stations=stations, searching=False)
    if not form.is_valid():
        return _page(request, form, status=400)
    card = selectors.break_glass_card_get(user=request.user, pk=pk)
    detail = redirect("liaison:card_detail", pk=card.pk)
    if "view" in card_actions(request.user, card):
        # In his normal scope: no glass to break, nothing to flag.
        return detail
    with Attempt(form) as attempt:
        access = services.break_glass_open(
            actor=request.user,
            card=card,
            purpose=form.cleaned_data["purpose"],
            reason=form.cleaned_data["reason"],
        )
    if not attempt.ok:
        return _page(request, form, status=400)
    minutes = round((access.expires_at - access.granted_at).total_seconds() / 60)
    messages.warning(
        request,
        f"緊急閲覧を開始しました（{minutes}分間有効）。"
        "この閲覧は記録され、受持区の取扱責任者に通知されました。",
    )
    return detail
