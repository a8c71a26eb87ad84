"""Pages of a request heard from a liaison member: read it and close it with what was done.
Listed in the department's inbox (accounts.inbox), which links here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from accounts.services import access_event_record
from accounts.utils.http import GET_ONLY, POST_ONLY, Attempt
from network.requests import closing, policy, selectors
from network.requests.forms import RequestCloseForm
from network.requests.models import DepartmentRequest


def _page(
    request: HttpRequest,
    department_request: DepartmentRequest,
    form: RequestCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    member = None
    if department_request.exchange_id and policy.may_see_member(request.user, department_request):
        exchange = department_request.exchange
        member = exchange.member if exchange else None
        if member is not None:
            # The member's name is personal data of the roster (2⑷): its reads are logged.
            access_event_record(
                user=request.user,
                action=AccessEvent.Action.VIEW,
                obj=member,
                station=department_request.station,
                summary=f"連絡員からの要望 No.{department_request.pk}（連絡員名）",
            )
    return render(
        request,
        "network/requests/request_detail.html",
        {
            "item": department_request,
            "member": member,
            "overdue": department_request.is_overdue(timezone.localdate()),
            "actions": policy.request_actions(request.user, department_request),
            "form": form or RequestCloseForm(),
            "inbox_url": reverse(
                "accounts:inbox_department", kwargs={"pk": department_request.department_id}
            ),
            "here": str(department_request),
        },
        status=status,
    )


@GET_ONLY
@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.request_get(user=request.user, pk=pk))


@POST_ONLY
@login_required
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    department_request = selectors.request_get(user=request.user, pk=pk)
    if not department_request.is_open:
        messages.error(request, "この要望はすでに対応済みです。")
        return redirect("network:request_detail", pk=pk)
    form = RequestCloseForm(request.POST)
    if not form.is_valid():
        return _page(request, department_request, form)
    with Attempt(form) as attempt:
        closing.request_close(
            actor=request.user,
            department_request=department_request,
            action_taken=form.cleaned_data["action_taken"],
        )
    if not attempt.ok:
        return _page(request, department_request, form)
    messages.success(request, f"{department_request}を対応済みにしました。")
    return redirect("network:request_detail", pk=pk)
