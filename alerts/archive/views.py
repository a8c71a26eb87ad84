"""The public archive (no sign-in, the public layout): the sent alerts filtered by area,
category and month with a count and pages, one alert's page, its CAP 1.2 message; and the
staff's withdrawal of a sent alert (a page that asks, then a POST).

Every rule is asked of alerts.archive.policy and enforced by alerts.archive.services; an
alert that is not public is the public 404 page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.exceptions import PermissionDenied
from accounts.utils.http import GET_ONLY, POST_ONLY, Attempt, page_number
from alerts.drafts import selectors as drafts_selectors
from alerts.drafts.models import Alert

from . import cap, policy, selectors, services
from .feeds import ArchiveFeed, feed_title
from .forms import ArchiveFilterForm, WithdrawForm

PER_PAGE = 20


def _crumbs(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    """The public pages' trail: あんしんメール (the sign-up page) first, never the staff home
    (components.breadcrumbs starts there)."""
    return [("あんしんメール", reverse("anshin:signup")), *pairs]


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/archive/not_found.html", {}, status=404)


@login_not_required
@GET_ONLY
def archive_list(request: HttpRequest) -> HttpResponse:
    form = ArchiveFilterForm(request.GET or None)
    filters = form.filters()
    alerts = selectors.archive_list(
        area=filters.get("area"), category=filters.get("category"), month=filters.get("month")
    )
    page = Paginator(alerts, PER_PAGE).get_page(page_number(request))
    # The feed of the same area and category (a feed has no month: it is the newest).
    feed_query = urlencode({k: request.GET[k] for k in ("area", "category") if filters.get(k)})
    feed_url = reverse("anshin:archive_feed") + (f"?{feed_query}" if feed_query else "")
    return render(
        request,
        "alerts/archive/list.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "filtered": bool(filters),
            "feed_url": feed_url,
            "feed_title": feed_title(filters),
            "crumbs": _crumbs(("配信情報の一覧", "")),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_not_required
@GET_ONLY
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        page = selectors.archive_page(pk=pk)
    except selectors.ArchiveNotFound:
        return _not_found(request)
    return render(
        request,
        "alerts/archive/detail.html",
        {
            "page": page,
            "alert": page.alert,
            "sender": selectors.sender_name(page.alert),
            "feed_url": reverse("anshin:archive_feed"),
            "feed_title": feed_title({}),
            "crumbs": _crumbs(
                ("配信情報の一覧", reverse("anshin:archive_list")), (page.alert.title, "")
            ),
        },
    )


@login_not_required
@GET_ONLY
def archive_cap(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        alert = selectors.archive_get(pk=pk)
    except selectors.ArchiveNotFound:
        return _not_found(request)
    response = HttpResponse(cap.alert_cap(alert), content_type=cap.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="alert-{alert.pk}.cap.xml"'
    return response


archive_feed = login_not_required(GET_ONLY(ArchiveFeed()))


# --- Staff: withdrawing a sent alert --------------------------------------------------------


def _withdrawable(request: HttpRequest, pk: int) -> Alert:
    """The alert if the user sees it (else 404) and may withdraw it now (else 403)."""
    alert = drafts_selectors.alert_get(request.user, pk)
    refusal = policy.withdraw_refusal(request.user, alert)
    if refusal:
        raise PermissionDenied(refusal)
    return alert


def _confirm_page(
    request: HttpRequest, alert: Alert, form: WithdrawForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "alerts/archive/withdraw.html",
        {"here": "配信の取消", "alert": alert, "form": form},
        status=status,
    )


@GET_ONLY
@login_required
def alert_withdraw_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The page that asks: what withdrawing does, and the reason."""
    alert = _withdrawable(request, pk)
    return _confirm_page(request, alert, WithdrawForm())


@POST_ONLY
@login_required
def alert_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _withdrawable(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        with Attempt(form) as attempt:
            services.alert_withdraw(
                actor=request.user, alert=alert, reason=form.cleaned_data["reason"]
            )
        if attempt.ok:
            messages.success(
                request,
                f"「{alert.title}」を取り消しました。公開ページとフィードに取消と表示されます。",
            )
            return redirect("alerts:alert_detail", pk=alert.pk)
    return _confirm_page(request, alert, form, status=400)
