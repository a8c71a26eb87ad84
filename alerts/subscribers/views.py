"""The public pages of あんしんメール (no sign-in, CSRF on): sign-up, the page after it, the
confirmation behind the mailed link, the subscriber's own page (choices with the receive-time
band, address change, and — when mail to the address could not be delivered and sending
stopped — receiving again at the same address),
unsubscribe in one click (with RFC 8058's one-click POST), and the A4 flyer with its QR code.

A page of one subscriber is found by its key; an unknown key is a 404 page in the public
layout. A bad or expired link is a 400 page that says so and leads back to the sign-up.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from accounts.utils.http import GET_ONLY, GET_POST, POST_ONLY, Attempt

from . import selectors, services
from .forms import AddressForm, ChoicesForm, SignupForm
from .links import SIGNUP, LinkInvalid
from .models import Subscriber

SubscriberView = Callable[[HttpRequest, Subscriber], HttpResponse]


def _public(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(
        request,
        f"alerts/subscribers/{template}",
        {"domain": settings.ALERTS_SENDING_DOMAIN, **context},
        status=status,
    )


def _link_invalid(request: HttpRequest, exc: LinkInvalid) -> HttpResponse:
    return _public(request, "link_invalid.html", {"reason": exc.message}, status=400)


def with_subscriber(view: SubscriberView) -> Callable[..., HttpResponse]:
    """The subscriber whose key is in the URL, or the public 404 page. The page shows his
    choices: kept out of shared caches."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str) -> HttpResponse:
        try:
            subscriber = selectors.subscriber_get(token=token)
        except selectors.SubscriberNotFound:
            return _public(request, "not_found.html", {}, status=404)
        return view(request, subscriber)

    return never_cache(wrapped)


# --- Sign-up ----------------------------------------------------------------------------------


@login_not_required
@GET_POST
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None, options=selectors.signup_options())
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            services.signup_request(email=form.cleaned_data["email"], choices=form.choices())
        if attempt.ok:
            return redirect("anshin:signup_sent")
    return _public(request, "signup.html", {"form": form})


@login_not_required
@GET_ONLY
def signup_sent(request: HttpRequest) -> HttpResponse:
    return _public(request, "sent.html", {"hours": settings.ALERTS_SIGNUP_LINK_HOURS})


@login_not_required
@GET_POST
@never_cache
def confirm(request: HttpRequest) -> HttpResponse:
    """GET reads the link back with one button; only the POST writes (mail scanners follow
    GET links). The link is in the query string (`?t=`), which the form posts back to."""
    token = request.GET.get("t", "")
    try:
        page = selectors.confirm_page(token=token)
        if request.method == "GET":
            return _public(request, "confirm.html", {"page": page})
        with Attempt(request=request) as attempt:
            subscriber = services.subscriber_confirm(token=token)
    except LinkInvalid as exc:
        # Expired between the GET and the POST, or the subscriber gone since.
        return _link_invalid(request, exc)
    if attempt.ok:
        messages.success(
            request,
            "登録しました。これから、選んだ情報をお届けします。"
            "このページをブックマークしておくと、受け取る情報の変更や配信の停止ができます。"
            if page.pending.kind == SIGNUP
            else "メールアドレスを変更しました。",
        )
        return redirect("anshin:manage", token=subscriber.token)
    return _public(request, "confirm.html", {"page": page})


# --- The subscriber's own page ------------------------------------------------------------------


@login_not_required
@GET_POST
@with_subscriber
def manage(request: HttpRequest, subscriber: Subscriber) -> HttpResponse:
    page = selectors.manage_page(subscriber=subscriber)
    form = ChoicesForm(
        request.POST or None,
        options=selectors.signup_options(),
        initial=ChoicesForm.initial_for(page.choices),
    )
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            services.subscriber_choices_change(subscriber=subscriber, choices=form.choices())
        if attempt.ok:
            messages.success(request, "受け取る情報を変更しました。")
            return redirect("anshin:manage", token=subscriber.token)
    return _public(request, "manage.html", {"page": page, "form": form})


@login_not_required
@GET_POST
@with_subscriber
def address_change(request: HttpRequest, subscriber: Subscriber) -> HttpResponse:
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            services.subscriber_address_change_request(
                subscriber=subscriber, email=form.cleaned_data["email"]
            )
        if attempt.ok:
            return redirect("anshin:signup_sent")
    return _public(
        request,
        "address.html",
        {
            "form": form,
            "subscriber": subscriber,
            "page": selectors.manage_page(subscriber=subscriber),
        },
    )


@login_not_required
@POST_ONLY
@with_subscriber
def resume(request: HttpRequest, subscriber: Subscriber) -> HttpResponse:
    """「このアドレスで受信を再開する」: the button of the notice a subscriber sees on his page
    after mail to his address could not be delivered and sending stopped."""
    with Attempt(request=request) as attempt:
        services.subscriber_resume(subscriber=subscriber)
    if attempt.ok:
        messages.success(request, "このアドレスへの配信を再開しました。")
    return redirect("anshin:manage", token=subscriber.token)


# --- Unsubscribe ----------------------------------------------------------------------------------


def _is_one_click(request: HttpRequest) -> bool:
    """RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click` to the header's URL."""
    return request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"


@csrf_protect
def _unsubscribe_page(request: HttpRequest, subscriber: Subscriber) -> HttpResponse:
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
        return redirect("anshin:unsubscribed")
    page = selectors.manage_page(subscriber=subscriber)
    return _public(request, "unsubscribe.html", {"page": page})


@login_not_required
@csrf_exempt
@GET_POST
@with_subscriber
def unsubscribe(request: HttpRequest, subscriber: Subscriber) -> HttpResponse:
    """GET: one button. POST from that button (CSRF checked): the subscriber is deleted at
    once. POST `List-Unsubscribe=One-Click` from a mail client (RFC 8058): the same, without
    a CSRF token, which a mail client cannot have; the key in the URL is the proof."""
    if _is_one_click(request):
        services.subscriber_unsubscribe(subscriber=subscriber)
        return HttpResponse("配信を停止しました。", content_type="text/plain; charset=utf-8")
    return _unsubscribe_page(request, subscriber)


@login_not_required
@GET_ONLY
def unsubscribed(request: HttpRequest) -> HttpResponse:
    return _public(request, "unsubscribed.html", {})


# --- The flyer (seed 003 6⑷) ---------------------------------------------------------------------


QR_TITLE = "あんしんメール登録ページのQRコード"


def signup_qr_svg() -> str:
    """The QR code of the sign-up page as inline SVG (segno, no JavaScript, no image file)."""
    return segno.make(services.signup_url(), error="m").svg_inline(scale=4, title=QR_TITLE)


@login_not_required
@GET_ONLY
def flyer(request: HttpRequest) -> HttpResponse:
    """A printable A4 flyer for 防犯講話 and 広報紙: the QR code of the sign-up page, the
    categories, and how to allow the sending domain."""
    page = selectors.flyer_page()
    return _public(
        request,
        "flyer.html",
        {
            "page": page,
            # segno's own markup, built from our URL only: safe to place as it is.
            "qr_svg": mark_safe(signup_qr_svg()),  # noqa: S308
            "signup_url": services.signup_url(),
            "hours": settings.ALERTS_SIGNUP_LINK_HOURS,
        },
    )
