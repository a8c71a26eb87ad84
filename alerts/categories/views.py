"""Pages of the categories (配信区分) and of the approval chain in force: the list of
categories with their rules and the chain, for everyone who holds an alert desk; a new
category and the edit with its history, for the 運用総括管理者."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.exceptions import StaleEditError
from accounts.utils.http import GET_ONLY, GET_POST, Attempt

from . import policy, selectors, services
from .forms import CategoryForm


@GET_ONLY
@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    policy.read_require(request.user)
    return render(
        request,
        "alerts/categories/list.html",
        {
            "here": "配信区分",
            "rows": selectors.category_rules_list(user=request.user),
            "may_keep": policy.may_keep(request.user),
        },
    )


@GET_POST
@login_required
def category_create(request: HttpRequest) -> HttpResponse:
    policy.keep_require(request.user)
    form = CategoryForm(
        request.POST or None,
        divisions=selectors.division_choices(user=request.user),
        creating=True,
    )
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            category = services.category_create(actor=request.user, **form.service_kwargs())
        if attempt.ok:
            messages.success(request, f"配信区分「{category.name}」を作成しました。")
            return redirect("alerts:category_list")
    return render(
        request,
        "alerts/categories/form.html",
        {
            "here": "配信区分の作成",
            "form": form,
            "creating": True,
            "cancel_url": reverse("alerts:category_list"),
        },
    )


@GET_POST
@login_required
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.keep_require(request.user)
    category = selectors.category_get(user=request.user, pk=pk)
    form = CategoryForm(
        request.POST or None,
        divisions=selectors.division_choices(user=request.user),
        creating=False,
        initial=CategoryForm.initial_for(category),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            services.category_update(actor=request.user, category=category, **form.service_kwargs())
        if attempt.ok:
            messages.success(request, f"配信区分「{category.name}」の変更を保存しました。")
            return redirect("alerts:category_list")
        if isinstance(attempt.error, StaleEditError):
            # Keep the input; the next save goes over the version now current, once seen.
            form.data = form.data.copy()
            current = selectors.category_get(user=request.user, pk=category.pk)
            form.data["version"] = str(current.version)
            status = 409
    return render(
        request,
        "alerts/categories/form.html",
        {
            "here": f"配信区分の変更（{category.name}）",
            "form": form,
            "creating": False,
            "category": category,
            "history": selectors.category_history(category=category),
            "cancel_url": reverse("alerts:category_list"),
        },
        status=status,
    )


@GET_ONLY
@login_required
def chain(request: HttpRequest) -> HttpResponse:
    page = selectors.chain_page(user=request.user)
    return render(request, "alerts/categories/chain.html", {"here": "承認の流れ", "page": page})
