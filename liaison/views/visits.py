"""巡回連絡 (要領 第5) and 夜間巡回連絡の承認 (第5-3): recording a visit from the card or the
worklist, 不在 with one tap, reading a visit and closing its follow-up, and the night-visit
request from the officer's ask to the 地域課長等's decision.

Each view: a selector (a 404 outside the user's scope), a 403 for a step the user may not
take on what he sees, one service, then a redirect with a message or the form again with
the service's refusal at its field. Views never set status fields.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from accounts import dates, permissions
from accounts.exceptions import DomainError, PermissionDenied
from accounts.inputs import is_local_path
from accounts.models import AccessEvent, Beat, Station, User
from accounts.services import access_event_record
from liaison import text
from liaison.cards import selectors as cards_selectors
from liaison.cards import services as cards_services
from liaison.cards.models import CardStatus, LiaisonCard
from liaison.glass import selectors as glass_selectors
from liaison.night import selectors as night_selectors
from liaison.night import services as night_services
from liaison.night.models import NightVisitRequest
from liaison.visits import hours as visits_hours
from liaison.visits import selectors as visits_selectors
from liaison.visits import services as visits_services
from liaison.visits.models import Visit

from ..forms.visits import (
    FollowUpDoneForm,
    NightDecideForm,
    NightFilterForm,
    NightRequestForm,
    VisitForm,
)
from ._common import GET_ONLY, GET_POST, POST_ONLY, page_number, refused
from .cards import _card_title

NIGHT_PER_PAGE = 25
PANEL_LIMIT = 10


# --- Helpers ---------------------------------------------------------------------------------


def _next(request: HttpRequest) -> str:
    """Where the officer came from (the worklist, say), if it is a path on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    return url if is_local_path(url) else ""


def _back(request: HttpRequest, card: LiaisonCard) -> str:
    return _next(request) or reverse("liaison:card_detail", kwargs={"pk": card.pk})


def _may_record(user: User, card: LiaisonCard) -> None:
    """A card he sees but whose beat he does not visit (a supervisor, the chief): 403."""
    if card.book_id is None or not permissions.has_perm(
        user, "record_visits", Beat(pk=card.book_id)
    ):
        raise PermissionDenied("この受持区の巡回連絡を記録する権限がありません。")


def _say(request: HttpRequest, exc: DomainError | ValidationError) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, exc.message)


def _hm(value: dt.datetime) -> str:
    return dates.time_ja(value)


# --- Recording a visit -----------------------------------------------------------------------


@GET_POST
@login_required
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    """One visit, recorded at the door in under a minute: the time defaults to now, the
    outcome is one tap, everything else is optional. A visit the hours rule refuses comes
    back with the reason at its field and every input kept."""
    card = cards_selectors.card_get(user=request.user, pk=pk)
    _may_record(request.user, card)
    back = _back(request, card)
    if card.status != CardStatus.FILED:
        messages.error(
            request, f"{card.get_status_display()}のカードには巡回連絡を記録できません。"
        )
        return redirect(back)
    form = VisitForm(request.POST or None)
    if request.method == "GET":
        cards_services.card_record_access(
            actor=request.user,
            card=card,
            action=AccessEvent.Action.VIEW,
            summary="巡回連絡の記録画面",
        )
    elif form.is_valid():
        try:
            visit = visits_services.visit_record(
                actor=request.user, card=card, **form.service_kwargs()
            )
        except PermissionDenied:
            raise
        except (DomainError, ValidationError) as exc:
            refused(form, exc)
        else:
            messages.success(
                request,
                f"{_card_title(card)}の巡回連絡（{visit.get_outcome_display()}、"
                f"{_hm(visit.started_at)}〜{_hm(visit.ended_at)}）を記録しました。",
            )
            return redirect(back)
    return render(
        request,
        "liaison/visits/visit_form.html",
        {
            "card": card,
            "book": card.book,
            "card_title": _card_title(card),
            "here": "巡回連絡の記録",
            "form": form,
            "next": _next(request),
            "back": back,
            "night_url": reverse("liaison:night_request_create"),
            "tolerance": visits_hours.HoursWindow.current().tolerance,
        },
    )


@POST_ONLY
@login_required
def visit_absent(request: HttpRequest, pk: int) -> HttpResponse:
    """不在 with one tap: a visit that starts and ends now. A refusal (after 17:00 without an
    approval, say) is said on the page he came from."""
    card = cards_selectors.card_get(user=request.user, pk=pk)
    _may_record(request.user, card)
    try:
        visit = visits_services.visit_absent(actor=request.user, card=card)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        if "outside_hours_reason" in getattr(exc, "error_dict", {}):
            # One tap has no place for a reason: the visit form has.
            messages.error(
                request,
                "いまは巡回連絡の時間帯の外です。不在を記録するには「記録」を開き、"
                "結果に「不在」を選んで時間外に行った理由を入力してください。",
            )
        else:
            _say(request, exc)
    except DomainError as exc:
        _say(request, exc)
    else:
        messages.success(
            request, f"{_card_title(card)}を不在として記録しました（{_hm(visit.started_at)}）。"
        )
    return redirect(_back(request, card))


# --- Reading a visit and closing its follow-up -----------------------------------------------


def _visit_page(
    request: HttpRequest, visit: Visit, form: FollowUpDoneForm | None = None, status: int = 200
) -> HttpResponse:
    card = cards_selectors.card_get(user=request.user, pk=visit.card_id)
    glass = glass_selectors.card_break_glass_active(user=request.user, card=card)
    cards_services.card_record_access(
        actor=request.user,
        card=card,
        action=AccessEvent.Action.VIEW,
        summary="巡回連絡の記録の閲覧",
        break_glass=glass is not None,
    )
    beat = Beat(pk=visit.book_id)
    may_close = (
        glass is None
        and visit.follow_up_open
        and (
            permissions.has_perm(request.user, "record_visits", beat)
            or permissions.has_perm(request.user, "change_beat_cards", beat)
        )
    )
    return render(
        request,
        "liaison/visits/visit_detail.html",
        {
            "visit": visit,
            "card": card,
            "book": card.book,
            "card_title": _card_title(card),
            "here": f"巡回連絡（{text.date_ja(timezone.localdate(visit.started_at))}）",
            "glass": glass,
            "may_close": may_close,
            "form": form or FollowUpDoneForm(),
        },
        status=status,
    )


@GET_ONLY
@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_page(request, visits_selectors.visit_get(user=request.user, pk=pk))


@POST_ONLY
@login_required
def visit_follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visits_selectors.visit_get(user=request.user, pk=pk)
    form = FollowUpDoneForm(request.POST)
    if not form.is_valid():
        return _visit_page(request, visit, form)
    try:
        visits_services.visit_follow_up_done(
            actor=request.user, visit=visit, note=form.cleaned_data["note"]
        )
    except PermissionDenied:
        raise
    except (DomainError, ValidationError) as exc:
        _say(request, exc)
    else:
        messages.success(request, "対応すべき事項を対応済みにしました。")
    return redirect("liaison:visit_detail", pk=visit.pk)


# --- 夜間巡回連絡の承認 ---------------------------------------------------------------------------


def _my_beats(user: User) -> list[Beat]:
    return list(
        permissions.beats_for(user, "record_visits")
        .select_related("post")
        .order_by("post__name", "name")
    )


def _may_decide(user: User, night: NightVisitRequest) -> bool:
    """The 地域課長等 of the station over the officer's beats (each 地域課 its own posts)."""
    return (
        night.officer_id != user.pk
        and permissions.has_perm(user, "approve_night_visits", Station(pk=night.station_id))
        and night_selectors.night_request_in_remit(user=user, request=night)
    )


@GET_ONLY
@login_required
def night_request_list(request: HttpRequest) -> HttpResponse:
    """The officer's own requests; the station's for the 地域課長等 and the 署長. Open to
    anyone signed in: an officer who has left his beat still sees what he asked."""
    filters = NightFilterForm(request.GET or None)
    nights = night_selectors.night_request_list(user=request.user)
    state = ""
    if filters.is_valid():
        state = filters.cleaned_data["state"]
        if state:
            nights = nights.filter(status=state)
    page = Paginator(nights, NIGHT_PER_PAGE).get_page(page_number(request))
    user = request.user
    return render(
        request,
        "liaison/visits/night_list.html",
        {
            "page": page,
            "filters": filters,
            "state": state,
            "here": "夜間巡回連絡",
            "may_request": permissions.holds_anywhere(user, "record_visits", Beat),
            "decides": permissions.holds_anywhere(user, "approve_night_visits", Station),
        },
    )


@GET_POST
@login_required
def night_request_create(request: HttpRequest) -> HttpResponse:
    beats = _my_beats(request.user)
    if not beats:
        raise PermissionDenied("受持区を持つ受持警察官だけが夜間巡回連絡の承認を申請できます。")
    initial: dict[str, Any] = {
        "date": timezone.localdate(),
        "planned_start": dt.time(17, 0),
        "planned_end": dt.time(20, 0),
    }
    # 「承認を申請」 on a refused visit carries the visit's date.
    with contextlib.suppress(ValueError):
        initial["date"] = dt.date.fromisoformat(request.GET.get("date", ""))
    form = NightRequestForm(request.POST or None, beats=beats, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            night = night_services.night_request_create(
                actor=request.user,
                date=data["date"],
                planned_start=data["planned_start"],
                planned_end=data["planned_end"],
                beats=list(data["beats"]),
                reason=data["reason"],
            )
        except PermissionDenied:
            raise
        except (DomainError, ValidationError) as exc:
            refused(form, exc)
        else:
            messages.success(
                request,
                f"{dates.date_ja(night.date, year=False)}の夜間巡回連絡の承認を申請しました。"
                "地域課長等の決裁を待ってください（決裁されるとお知らせが届きます）。",
            )
            return redirect("liaison:night_request_detail", pk=night.pk)
    return render(
        request,
        "liaison/visits/night_form.html",
        {"form": form, "here": "承認の申請", "single_beat": len(beats) == 1},
    )


def _events(night: NightVisitRequest) -> list[dict[str, Any]]:
    """The life of the request as it is kept on its row: asked, then withdrawn or decided."""
    events = [{"label": "申請", "at": night.requested_at, "by": night.officer, "comment": ""}]
    if night.withdrawn_at:
        events.append(
            {"label": "取下げ", "at": night.withdrawn_at, "by": night.officer, "comment": ""}
        )
    if night.decided_at:
        events.append(
            {
                "label": night.get_status_display(),
                "at": night.decided_at,
                "by": night.decided_by,
                "comment": night.decision_comment,
            }
        )
    return events


def _night_page(
    request: HttpRequest,
    night: NightVisitRequest,
    form: NightDecideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    pending = night.status == NightVisitRequest.Status.PENDING
    user = request.user
    return render(
        request,
        "liaison/visits/night_detail.html",
        {
            "night": night,
            "here": f"{dates.date_ja(night.date, year=False)}の申請",
            "events": _events(night),
            "may_withdraw": pending and night.officer_id == user.pk,
            "may_decide": pending and _may_decide(user, night),
            "form": form or NightDecideForm(),
            "visit_count": night.visits.count(),
        },
        status=status,
    )


@GET_ONLY
@login_required
def night_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _night_page(request, night_selectors.night_request_get(user=request.user, pk=pk))


@POST_ONLY
@login_required
def night_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdrawn by the one who asked, before the decision. The first POST (the button on
    the request's page) asks to confirm; the second, with confirm=yes, withdraws."""
    night = night_selectors.night_request_get(user=request.user, pk=pk)
    if night.officer_id != request.user.pk:
        raise PermissionDenied("申請した本人だけが取り下げられます。")
    pending = night.status == NightVisitRequest.Status.PENDING
    if pending and request.POST.get("confirm") != "yes":
        return render(
            request,
            "liaison/visits/night_withdraw.html",
            {"night": night, "here": "申請の取下げ"},
        )
    try:
        night_services.night_request_withdraw(actor=request.user, request=night)
    except PermissionDenied:
        raise
    except DomainError as exc:
        _say(request, exc)
    else:
        messages.success(request, "申請を取り下げました。")
    return redirect("liaison:night_request_detail", pk=night.pk)


@POST_ONLY
@login_required
def night_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The 地域課長等 approves or rejects (with a reason) once; the officer is told."""
    night = night_selectors.night_request_get(user=request.user, pk=pk)
    if not _may_decide(request.user, night):
        raise PermissionDenied("この申請を決裁する権限がありません。")
    form = NightDecideForm(request.POST)
    if not form.is_valid():
        # No decision at all is a malformed request; a too long comment is a field error.
        status = 400 if "decision" in form.errors else 200
        return _night_page(request, night, form, status=status)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        night = night_services.night_request_decide(
            actor=request.user,
            request=night,
            approve=approve,
            comment=form.cleaned_data["comment"],
        )
    except PermissionDenied:
        raise
    except ValidationError as exc:
        refused(form, exc)
        return _night_page(request, night, form)
    except DomainError as exc:
        _say(request, exc)
    else:
        messages.success(
            request,
            f"{night.officer.full_name}さんの{dates.date_ja(night.date, year=False)}の申請を"
            f"{night.get_status_display()}しました。本人にお知らせしました。",
        )
    return redirect("liaison:night_request_detail", pk=night.pk)


# --- Home panel ------------------------------------------------------------------------------


def _waiting(user: User) -> list[NightVisitRequest]:
    """One query per request: the panel's predicate and its context share it. One more row
    than shown tells whether there are more."""
    cache = user.__dict__
    if "_night_requests_waiting" not in cache:
        rows: list[NightVisitRequest] = []
        # The 地域課長等 also reviews progress, a question the menu asks anyway (cached): the
        # many who hold neither pay nothing for this panel.
        if permissions.holds_anywhere(
            user, "review_progress", Station
        ) and permissions.holds_anywhere(user, "approve_night_visits", Station):
            rows = list(night_selectors.night_requests_waiting(user=user)[: PANEL_LIMIT + 1])
        cache["_night_requests_waiting"] = rows
    return cache["_night_requests_waiting"]


def has_night_requests_waiting(user: User) -> bool:
    return bool(user.is_authenticated and _waiting(user))


def night_waiting_panel(user: User) -> dict[str, Any]:
    rows = _waiting(user)
    return {"waiting": rows[:PANEL_LIMIT], "more": len(rows) > PANEL_LIMIT}


def uses_night_requests(user: User) -> bool:
    """The menu entry: for those who record visits, and for those who read the station's
    requests (the 地域課長等, who decides them, the 署長, the 統括管理責任者; not the 地域部長,
    who reads no card). These questions are asked by other entries of the menu too (cached
    per request): the entry costs no query."""
    return permissions.holds_anywhere(user, "record_visits", Beat) or (
        permissions.holds_anywhere(user, "review_progress", Station)
        and permissions.holds_anywhere(user, "view_beat_cards", Beat)
    )


FOLLOW_UPS_PER_PAGE = 50


@GET_ONLY
@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """未対応の事項: the follow-ups raised on visits to the cards of the books the user sees,
    not yet marked done, the oldest first; each opens its visit, where it is closed."""
    if not permissions.holds_anywhere(request.user, "view_beat_cards", Beat):
        raise PermissionDenied("未対応の事項は、巡回連絡簿を見る職員のページです。")
    page = Paginator(
        visits_selectors.follow_ups_open(user=request.user), FOLLOW_UPS_PER_PAGE
    ).get_page(page_number(request))
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.LIST,
        object_type="liaison.visit",
        summary=f"未対応の事項の一覧 {page.paginator.count}件（{page.number}ページ目）",
        record_count=len(page.object_list),
    )
    return render(
        request, "liaison/visits/follow_up_list.html", {"page": page, "here": "未対応の事項"}
    )


urlpatterns = [
    path("follow-ups/", follow_up_list, name="follow_up_list"),
    path("cards/<id:pk>/visits/new/", visit_create, name="visit_create"),
    path("cards/<id:pk>/visits/absent/", visit_absent, name="visit_absent"),
    path("visits/<id:pk>/", visit_detail, name="visit_detail"),
    path("visits/<id:pk>/follow-up/", visit_follow_up_done, name="visit_follow_up_done"),
    path("night/", night_request_list, name="night_request_list"),
    path("night/new/", night_request_create, name="night_request_create"),
    path("night/<id:pk>/", night_request_detail, name="night_request_detail"),
    path("night/<id:pk>/withdraw/", night_request_withdraw, name="night_request_withdraw"),
    path("night/<id:pk>/decide/", night_request_decide, name="night_request_decide"),
]
