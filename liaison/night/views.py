"""夜間巡回連絡の承認 (要領 第5-3): the officer asks, the 地域課長等 approves or refuses."""

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
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import DomainError, PermissionDenied
from accounts.models import Beat, Station, User
from accounts.utils import dates
from accounts.utils.http import (
    GET_ONLY,
    GET_POST,
    POST_ONLY,
    Attempt,
    page_number,
    refused,
    say_refusal,
)
from liaison.night import selectors as night_selectors
from liaison.night import services as night_services
from liaison.night.filters import NightFilterSet
from liaison.night.forms import NightDecideForm, NightRequestForm
from liaison.night.models import NightVisitRequest
from liaison.night.policy import night_may_decide

NIGHT_PER_PAGE = 25


# --- 夜間巡回連絡の承認 ---------------------------------------------------------------------------
def _my_beats(user: User) -> list[Beat]:
    return list(
        permissions.beats_for(user, "record_visits")
        .select_related("post")
        .order_by("post__name", "name")
    )


@GET_ONLY
@login_required
def night_request_list(request: HttpRequest) -> HttpResponse:
    """The officer's own requests; the station's for the 地域課長等 and the 署長. Open to
    anyone signed in: an officer who has left his beat still sees what he asked."""
    filterset = NightFilterSet(
        request.GET, queryset=night_selectors.night_request_list(user=request.user)
    )
    state = filterset.values["state"]
    page = Paginator(filterset.qs, NIGHT_PER_PAGE).get_page(page_number(request))
    user = request.user
    return render(
        request,
        "liaison/night/night_list.html",
        {
            "page": page,
            "filterset": filterset,
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
        data = form.cleaned_data
        with Attempt(form) as attempt:
            night = night_services.night_request_create(
                actor=request.user,
                date=data["date"],
                planned_start=data["planned_start"],
                planned_end=data["planned_end"],
                beats=list(data["beats"]),
                reason=data["reason"],
            )
        if attempt.ok:
            messages.success(
                request,
                f"{dates.date_ja(night.date, year=False)}の夜間巡回連絡の承認を申請しました。"
                "地域課長等の決裁を待ってください（決裁されるとお知らせが届きます）。",
            )
            return redirect("liaison:night_request_detail", pk=night.pk)
    return render(
        request,
        "liaison/night/night_form.html",
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
        "liaison/night/night_detail.html",
        {
            "night": night,
            "here": f"{dates.date_ja(night.date, year=False)}の申請",
            "events": _events(night),
            "may_withdraw": pending and night.officer_id == user.pk,
            "may_decide": pending and night_may_decide(user, night),
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
            "liaison/night/night_withdraw.html",
            {"night": night, "here": "申請の取下げ"},
        )
    with Attempt(request=request) as attempt:
        night_services.night_request_withdraw(actor=request.user, night=night)
    if attempt.ok:
        messages.success(request, "申請を取り下げました。")
    return redirect("liaison:night_request_detail", pk=night.pk)


@POST_ONLY
@login_required
def night_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The 地域課長等 approves or rejects (with a reason) once; the officer is told."""
    night = night_selectors.night_request_get(user=request.user, pk=pk)
    if not night_may_decide(request.user, night):
        raise PermissionDenied("この申請を決裁する権限がありません。")
    form = NightDecideForm(request.POST)
    if not form.is_valid():
        # No decision at all is a malformed request; a too long comment is a field error.
        status = 400 if "decision" in form.errors else 200
        return _night_page(request, night, form, status=status)
    approve = form.cleaned_data["decision"] == "approve"
    # Not Attempt: the two refusals end in two places (the comment's error on the request's
    # page again; a rule's refusal as a message after the redirect).
    try:
        night = night_services.night_request_decide(
            actor=request.user,
            night=night,
            approve=approve,
            comment=form.cleaned_data["comment"],
        )
    except PermissionDenied:
        raise
    except ValidationError as exc:
        refused(form, exc)
        return _night_page(request, night, form)
    except DomainError as exc:
        say_refusal(request, exc)
    else:
        messages.success(
            request,
            f"{night.officer.full_name}さんの{dates.date_ja(night.date, year=False)}の申請を"
            f"{night.get_status_display()}しました。本人にお知らせしました。",
        )
    return redirect("liaison:night_request_detail", pk=night.pk)
