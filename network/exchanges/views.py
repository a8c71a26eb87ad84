"""Pages of exchanges (seed 001 3⑴ア・イ): the station's list, one exchange, and recording
one with the requests heard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import AccessEvent
from accounts.services import access_event_record
from accounts.utils.http import GET_ONLY, GET_POST, Attempt, page_number
from network.exchanges import policy, selectors, services
from network.exchanges.filters import ExchangeFilterSet
from network.exchanges.forms import ExchangeForm, request_formset, request_inputs

PER_PAGE = 30


@GET_ONLY
@login_required
def exchange_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    policy.record_require(user)
    filterset = ExchangeFilterSet(
        request.GET, queryset=selectors.exchange_list(user=user), user=user
    )
    page = Paginator(filterset.qs, PER_PAGE).get_page(page_number(request))
    access_event_record(
        user=user,
        action=AccessEvent.Action.LIST,
        object_type=selectors.EXCHANGE,
        summary=f"情報交換の一覧 {page.paginator.count}件（{page.number}ページ目）",
        record_count=len(page.object_list),
    )
    return render(
        request,
        "network/exchanges/exchange_list.html",
        {"here": "情報交換", "filterset": filterset, "page": page},
    )


@GET_ONLY
@login_required
def exchange_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = selectors.exchange_get(user=request.user, pk=pk)
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.VIEW,
        obj=exchange,
        station=exchange.station,
        summary="情報交換の閲覧",
    )
    return render(
        request,
        "network/exchanges/exchange_detail.html",
        {"here": f"情報交換（{exchange.member.name}）", "exchange": exchange},
    )


@GET_POST
@login_required
def exchange_create(request: HttpRequest) -> HttpResponse:
    """An exchange, and the requests heard in it, in one form; a refusal comes back at its
    field with every input kept."""
    user = request.user
    policy.record_require(user)
    data = request.POST if request.method == "POST" else None
    initial = {}
    if request.method == "GET" and request.GET.get("member", "").isdigit():
        initial["member"] = request.GET["member"]
    form = ExchangeForm(data, user=user, initial=initial)
    formset = request_formset(data, departments=selectors.exchange_department_choices(user=user))
    if data is not None and form.is_valid() & formset.is_valid():
        with Attempt(form) as attempt:
            exchange = services.exchange_record(
                actor=user, **form.service_kwargs(), requests=request_inputs(formset)
            )
        if attempt.ok:
            count = exchange.requests.count()
            said = f"（要望{count}件を担当課へ送りました）" if count else ""
            messages.success(
                request, f"{exchange.member.name}さんとの情報交換を記録しました{said}。"
            )
            return redirect("network:exchange_detail", pk=exchange.pk)
    return render(
        request,
        "network/exchanges/exchange_form.html",
        {"here": "情報交換の記録", "form": form, "formset": formset},
    )
