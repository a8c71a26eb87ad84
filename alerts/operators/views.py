"""Pages of the designation of the 発信操作担当者 (seed 003 6⑴), for the 生活安全企画課長: the
division's designations and the people he may designate, a designation, and its end with a
reason. Everyone else gets a 403 before anything is looked up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.utils.dates import date_ja
from accounts.utils.http import GET_ONLY, GET_POST, Attempt, page_number

from . import selectors, services
from .forms import OperatorDesignateForm, OperatorEndForm

LIST = "発信操作担当者の指定"


@GET_ONLY
@login_required
def operator_list(request: HttpRequest) -> HttpResponse:
    page = selectors.operator_page(user=request.user, page_number=page_number(request))
    return render(
        request,
        "alerts/operators/list.html",
        {"here": LIST, "op": page, "page": page.page, "division": page.division},
    )


@GET_POST
@login_required
def operator_designate(request: HttpRequest) -> HttpResponse:
    page = selectors.designate_page(user=request.user)
    form = OperatorDesignateForm(
        request.POST or None, candidates=page.candidates, division_name=page.division.name
    )
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            appointment = services.operator_designate(actor=request.user, **form.service_kwargs())
        if attempt.ok:
            person = appointment.user.full_name
            if appointment.is_active:
                messages.success(request, f"{person}さんを発信操作担当者に指定しました。")
            else:
                messages.success(
                    request,
                    f"{person}さんを{date_ja(appointment.starts_on)}から発信操作担当者に指定しました。",
                )
            return redirect("alerts:operator_list")
    return render(
        request,
        "alerts/operators/designate.html",
        {
            "here": "発信操作担当者を指定する",
            "form": form,
            "division": page.division,
            "has_candidates": bool(page.candidates),
            "cancel_url": reverse("alerts:operator_list"),
        },
    )


@GET_POST
@login_required
def operator_end(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.end_page(user=request.user, pk=pk)
    appointment = page.appointment
    form = OperatorEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            services.operator_end(
                actor=request.user, appointment=appointment, reason=form.cleaned_data["reason"]
            )
        if attempt.ok:
            messages.success(
                request, f"{appointment.user.full_name}さんの発信操作担当者の指定を終了しました。"
            )
            return redirect("alerts:operator_list")
    return render(
        request,
        "alerts/operators/end.html",
        {
            "here": "発信操作担当者の指定の終了",
            "form": form,
            "end": page,
            "appointment": appointment,
            "division": page.division,
            "cancel_url": reverse("alerts:operator_list"),
        },
    )
