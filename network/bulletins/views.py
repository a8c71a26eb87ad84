"""Pages of the bulletin shelf (seed 001 3⑴ア・エ): what is current for the user, one
bulletin and its PDF, publishing one, withdrawing one early."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from accounts.exceptions import PermissionDenied
from accounts.utils.http import GET_ONLY, GET_POST, Attempt, page_number
from network.bulletins import policy, selectors, services
from network.bulletins.filters import BulletinFilterSet
from network.bulletins.forms import BulletinForm

PER_PAGE = 30


@GET_ONLY
@login_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    """「現在の地域安全情報」: valid today, those for the user's own beats first."""
    user = request.user
    if not policy.may_read_shelf(user):
        raise PermissionDenied("地域安全情報は、警察署・本部の職員のページです。")
    filterset = BulletinFilterSet(request.GET, queryset=selectors.bulletin_current_list(user=user))
    page = Paginator(filterset.qs, PER_PAGE).get_page(page_number(request))
    return render(
        request,
        "network/bulletins/bulletin_list.html",
        {
            "here": "現在の地域安全情報",
            "filterset": filterset,
            "page": page,
            "today": timezone.localdate(),
            "may_publish": policy.may_publish(user),
        },
    )


@GET_ONLY
@login_required
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    today = timezone.localdate()
    current = bulletin.valid_from <= today <= bulletin.valid_until
    return render(
        request,
        "network/bulletins/bulletin_detail.html",
        {
            "here": bulletin.title,
            "bulletin": bulletin,
            "current": current,
            "may_withdraw": bulletin.valid_until >= today
            and policy.may_withdraw(request.user, bulletin),
        },
    )


@GET_ONLY
@login_required
def bulletin_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF, through the same scope as the page: never a public file."""
    bulletin = selectors.bulletin_pdf_get(user=request.user, pk=pk)
    response = HttpResponse(bytes(bulletin.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=bulletin.pdf_name or "bulletin.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@GET_POST
@login_required
def bulletin_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not policy.may_publish(user):
        raise PermissionDenied("地域安全情報を掲載する権限がありません。")
    form = BulletinForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            bulletin = services.bulletin_publish(actor=user, **form.service_kwargs())
        if attempt.ok:
            messages.success(request, f"「{bulletin.title}」を掲載しました。")
            return redirect("network:bulletin_detail", pk=bulletin.pk)
    return render(
        request,
        "network/bulletins/bulletin_form.html",
        {"here": "地域安全情報の掲載", "form": form},
    )


@GET_POST
@login_required
def bulletin_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page first; the POST ends the bulletin yesterday."""
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    policy.withdraw_require(request.user, bulletin)
    if request.method == "POST":
        with Attempt(request=request) as attempt:
            services.bulletin_withdraw(actor=request.user, bulletin=bulletin)
        if attempt.ok:
            messages.success(request, f"「{bulletin.title}」の掲載を終えました。")
        return redirect("network:bulletin_detail", pk=bulletin.pk)
    return render(
        request,
        "network/bulletins/bulletin_withdraw.html",
        {"here": "掲載の終了", "bulletin": bulletin},
    )
