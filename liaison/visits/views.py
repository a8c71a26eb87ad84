"""Pages of visits (要領 第5): record a visit or an absence, read one, close its follow-up,
the list of open follow-ups, and the visits outside hours the 地域課長等 acknowledges."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import DomainError, PermissionDenied
from accounts.inputs import is_local_path
from accounts.models import AccessEvent, Beat
from accounts.services import access_event_record
from accounts.utils import dates
from accounts.utils.http import (
    GET_ONLY,
    GET_POST,
    POST_ONLY,
    Attempt,
    page_number,
    say_refusal,
)
from liaison import text
from liaison.cards import selectors as cards_selectors
from liaison.cards import services as cards_services
from liaison.cards.models import CardStatus, LiaisonCard
from liaison.cards.steps import (
    card_title,
)
from liaison.glass import selectors as glass_selectors
from liaison.visits import hours as visits_hours
from liaison.visits import inbox as visits_inbox
from liaison.visits import selectors as visits_selectors
from liaison.visits import services as visits_services
from liaison.visits.filters import HoursFilterSet
from liaison.visits.forms import (
    FollowUpDoneForm,
    FollowUpInboxCloseForm,
    HoursAcknowledgeForm,
    VisitForm,
)
from liaison.visits.models import Visit
from liaison.visits.policy import (
    hours_acknowledge_require,
    may_close_follow_up,
    visit_record_require,
)


# --- Helpers ---------------------------------------------------------------------------------
def _next(request: HttpRequest) -> str:
    """Where the officer came from (the worklist, say), if it is a path on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    return url if is_local_path(url) else ""


def _back(request: HttpRequest, card: LiaisonCard) -> str:
    return _next(request) or reverse("liaison:card_detail", kwargs={"pk": card.pk})


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
    visit_record_require(request.user, card)
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
        with Attempt(form) as attempt:
            visit = visits_services.visit_record(
                actor=request.user, card=card, **form.service_kwargs()
            )
        if attempt.ok:
            messages.success(
                request,
                f"{card_title(card)}の巡回連絡（{visit.get_outcome_display()}、"
                f"{_hm(visit.started_at)}〜{_hm(visit.ended_at)}）を記録しました。",
            )
            return redirect(back)
    return render(
        request,
        "liaison/visits/visit_form.html",
        {
            "card": card,
            "book": card.book,
            "card_title": card_title(card),
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
    visit_record_require(request.user, card)
    # Not Attempt: the hours rule's refusal is answered with a message of its own below.
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
            say_refusal(request, exc)
    except DomainError as exc:
        say_refusal(request, exc)
    else:
        messages.success(
            request, f"{card_title(card)}を不在として記録しました（{_hm(visit.started_at)}）。"
        )
    return redirect(_back(request, card))


# --- Reading a visit and closing its follow-up -----------------------------------------------
def _visit_page(
    request: HttpRequest, visit: Visit, form: FollowUpDoneForm | None = None, status: int = 200
) -> HttpResponse:
    card = cards_selectors.card_get(user=request.user, pk=visit.card_id)
    glass = glass_selectors.break_glass_active_get(user=request.user, card=card)
    cards_services.card_record_access(
        actor=request.user,
        card=card,
        action=AccessEvent.Action.VIEW,
        summary="巡回連絡の記録の閲覧",
        break_glass=glass is not None,
    )
    may_close = glass is None and visit.follow_up_open and may_close_follow_up(request.user, visit)
    return render(
        request,
        "liaison/visits/visit_detail.html",
        {
            "visit": visit,
            "card": card,
            "book": card.book,
            "card_title": card_title(card),
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
    with Attempt(request=request) as attempt:
        visits_services.visit_follow_up_done(
            actor=request.user, visit=visit, note=form.cleaned_data["note"]
        )
    if attempt.ok:
        messages.success(request, "対応すべき事項を対応済みにしました。")
    return redirect("liaison:visit_detail", pk=visit.pk)


# --- A follow-up in the department inbox (accounts.inbox) -------------------------------------
def _follow_up_inbox_page(
    request: HttpRequest, pk: int, form: FollowUpInboxCloseForm | None = None
) -> HttpResponse:
    """What the department needs to act: the note, the beat, the date and the officer who
    heard it; never the card or the household."""
    visit, department = visits_inbox.follow_up_inbox_get(user=request.user, pk=pk)
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.VIEW,
        obj=visit,
        station=visit.station,
        summary=f"課の対応事項（巡回連絡）の閲覧 {department.name}",
    )
    return render(
        request,
        "liaison/visits/follow_up_inbox.html",
        {
            "visit": visit,
            "beat": visit.book.beat,
            "department": department,
            "form": form or FollowUpInboxCloseForm(),
            "inbox_url": reverse("accounts:inbox_department", kwargs={"pk": department.pk}),
            "here": f"巡回連絡での要望（{text.date_ja(timezone.localdate(visit.started_at))}）",
        },
    )


@GET_ONLY
@login_required
def follow_up_inbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _follow_up_inbox_page(request, pk)


@POST_ONLY
@login_required
def follow_up_inbox_close(request: HttpRequest, pk: int) -> HttpResponse:
    visit, _ = visits_inbox.follow_up_inbox_get(user=request.user, pk=pk)
    if not visit.follow_up_open:
        messages.error(request, "この事項はすでに対応済みです。")
        return redirect("liaison:follow_up_inbox_detail", pk=pk)
    form = FollowUpInboxCloseForm(request.POST)
    if not form.is_valid():
        return _follow_up_inbox_page(request, pk, form)
    with Attempt(form) as attempt:
        visits_services.visit_follow_up_done(
            actor=request.user, visit=visit, note=form.cleaned_data["note"], by_department=True
        )
    if not attempt.ok:
        return _follow_up_inbox_page(request, pk, form)
    messages.success(request, "巡回連絡での要望を対応済みにしました。")
    return redirect("liaison:follow_up_inbox_detail", pk=pk)


FOLLOW_UPS_PER_PAGE = 50


@GET_ONLY
@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """未対応の事項: the follow-ups raised on visits to the cards of the books the user sees,
    not yet marked done, the oldest first; each opens its visit, where it is closed."""
    if not permissions.holds_anywhere(request.user, "view_beat_cards", Beat):
        raise PermissionDenied("未対応の事項は、巡回連絡簿を見る職員のページです。")
    page = Paginator(
        visits_selectors.follow_up_open_list(user=request.user), FOLLOW_UPS_PER_PAGE
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


PER_PAGE = 25


def _list_url(state: str) -> str:
    url = reverse("liaison:visit_hours_list")
    return f"{url}?state={state}" if state != HoursFilterSet.WAITING else url


@GET_ONLY
@login_required
def visit_hours_list(request: HttpRequest) -> HttpResponse:
    """The station's visits outside the hours: those waiting for acknowledgement first
    (the default filter), each with its reason and a button to acknowledge it."""
    user = request.user
    hours_acknowledge_require(user)
    filterset = HoursFilterSet(
        request.GET, queryset=visits_selectors.visit_hours_list(user=user, state=HoursFilterSet.ALL)
    )
    state = filterset.values["state"]
    page = Paginator(filterset.qs, PER_PAGE).get_page(page_number(request))
    access_event_record(
        user=user,
        action=AccessEvent.Action.LIST,
        object_type="liaison.liaisoncard",
        station=permissions.home_station(user),
        summary=f"時間外の巡回連絡（{HoursFilterSet.LABELS[state]}） {page.paginator.count}件"
        f"（{page.number}ページ目）",
    )
    return render(
        request,
        "liaison/visits/hours_list.html",
        {
            "here": "時間外の巡回連絡",
            "filterset": filterset,
            "state": state,
            "state_label": HoursFilterSet.LABELS[state],
            "page": page,
            "form": HoursAcknowledgeForm(),
            "next": _list_url(state),
        },
    )


@POST_ONLY
@login_required
def visit_hours_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visits_selectors.visit_hours_get(user=request.user, pk=pk)
    form = HoursAcknowledgeForm(request.POST)
    back = request.POST.get("state", HoursFilterSet.WAITING)
    back = _list_url(back if back in HoursFilterSet.LABELS else HoursFilterSet.WAITING)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    # Not Attempt: one line per refusal on the list, a ValidationError's first reason only
    # (say_refusal would say each).
    try:
        visits_services.visit_hours_acknowledge(
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
