"""署長指示: a station's instructions, issue one, end one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.utils.http import GET_ONLY, GET_POST, Attempt, page_number
from liaison import text
from liaison.instructions import selectors as instructions_selectors
from liaison.instructions import services
from liaison.instructions.forms import StationInstructionForm
from liaison.instructions.models import StationInstruction
from liaison.instructions.policy import ISSUER_ONLY, instruction_issue_require
from liaison.planning import selectors as progress_selectors

PER_PAGE = 25


def _state(instruction: StationInstruction, today) -> str:
    if instruction.ended_at is not None:
        return "終了"
    if instruction.ends_on < today:
        return "期間終了"
    if instruction.starts_on > today:
        return "開始前"
    return "実施中"


def _row(instruction: StationInstruction, today, readable_books: set[int]) -> dict[str, Any]:
    """One instruction as the page says it. A card's address is shown only to those who
    read its book (the 地域部長, who reviews figures only, sees its number)."""
    cards = [
        {
            "pk": card.pk,
            "address": card.short_address if card.book_id in readable_books else "",
            "url": reverse("liaison:card_detail", kwargs={"pk": card.pk})
            if card.book_id in readable_books
            else "",
        }
        for card in instruction.cards.all()
    ]
    state = _state(instruction, today)
    return {
        "instruction": instruction,
        "state": state,
        "in_force": state == "実施中",
        "may_end": instruction.ended_at is None and instruction.ends_on >= today,
        "period": f"{text.date_ja(instruction.starts_on)}から{text.date_ja(instruction.ends_on)}まで",
        "cards": cards,
        "areas": "、".join(instruction.areas),
    }


@GET_ONLY
@login_required
def station_instructions(request: HttpRequest, pk: int) -> HttpResponse:
    station = progress_selectors.review_station_get(user=request.user, pk=pk)
    today = timezone.localdate()
    page = Paginator(
        instructions_selectors.station_instruction_list(station=station), PER_PAGE
    ).get_page(page_number(request))
    readable = set(
        permissions.beats_for(request.user)
        .filter(post__station=station)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "liaison/instructions/instructions.html",
        {
            "here": "署長指示（巡回連絡の対象）",
            "station": station,
            "page": page,
            "rows": [_row(i, today, readable) for i in page.object_list],
            "may_issue": permissions.has_perm(request.user, "instruct_visits", station),
        },
    )


@GET_POST
@login_required
def station_instruction_create(request: HttpRequest, pk: int) -> HttpResponse:
    station = progress_selectors.review_station_get(user=request.user, pk=pk)
    instruction_issue_require(request.user, station)
    form = StationInstructionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            instruction = services.station_instruction_issue(
                actor=request.user, station=station, **form.service_kwargs()
            )
        if attempt.ok:
            messages.success(
                request,
                f"署長指示（{instruction.get_action_display()}、"
                f"{text.date_ja(instruction.starts_on)}から{text.date_ja(instruction.ends_on)}まで）"
                "を登録しました。ワークリストと進捗の数値はこの指示に従います。",
            )
            return redirect("liaison:station_instructions", pk=station.pk)
    return render(
        request,
        "liaison/instructions/instruction_form.html",
        {"here": "署長指示を出す", "station": station, "form": form},
    )


@GET_POST
@login_required
def station_instruction_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Ending asks first: from then on the worklists and the figures no longer follow it."""
    instruction = instructions_selectors.station_instruction_get(user=request.user, pk=pk)
    station = instruction.station
    instruction_issue_require(request.user, station)
    back = reverse("liaison:station_instructions", kwargs={"pk": station.pk})
    if request.method == "POST":
        with Attempt(request=request) as attempt:
            services.station_instruction_end(actor=request.user, instruction=instruction)
        if attempt.ok:
            messages.success(request, "署長指示を終了しました。")
        return redirect(back)
    today = timezone.localdate()
    return render(
        request,
        "liaison/instructions/instruction_end.html",
        {
            "here": "署長指示の終了",
            "station": station,
            "row": _row(instruction, today, set()),
            "back": back,
        },
    )


@GET_ONLY
@login_required
def station_instructions_mine(request: HttpRequest) -> HttpResponse:
    """The menu's way in: the instructions of the (first) station where the user issues them."""
    station = permissions.stations_for(request.user, "instruct_visits").order_by("code").first()
    if station is None:
        raise PermissionDenied(ISSUER_ONLY)
    return redirect("liaison:station_instructions", pk=station.pk)
