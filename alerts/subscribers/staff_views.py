"""Staff pages of subscribers (signed in, namespace "alerts"): a member of staff's own
subscription (seed 003 6⑸: 警察職員への会員登録促進), and for the 所属長 of a station how many of
its staff have subscribed, of how many — counts only, never an address or a name."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.utils.http import GET_ONLY, GET_POST, Attempt

from . import policy, selectors, services
from .forms import SignupForm


@GET_POST
@login_required
def my_subscription(request: HttpRequest) -> HttpResponse:
    """Subscribe with one's own address (a link is mailed to it; nothing is stored until it
    is followed), or see one's subscription and go to its page to change or stop it."""
    user = request.user
    page = selectors.my_subscription(user=user)
    form = None
    if page is None:
        form = SignupForm(
            request.POST or None,
            options=selectors.signup_options(),
            initial={"email": user.email},
        )
        if request.method == "POST" and form.is_valid():
            with Attempt(form) as attempt:
                services.staff_signup_request(
                    actor=user, email=form.cleaned_data["email"], choices=form.choices()
                )
            if attempt.ok:
                messages.success(
                    request,
                    f"確認メールを送りました。{settings.ALERTS_SIGNUP_LINK_HOURS}時間以内に"
                    "メールのリンクを開き、「登録する」を押すと登録が済みます。",
                )
                return redirect("alerts:my_subscription")
    elif request.method == "POST":
        messages.info(request, "すでに登録しています。変更や停止は下のボタンから行ってください。")
        return redirect("alerts:my_subscription")
    return render(
        request,
        "alerts/subscribers/my_subscription.html",
        {
            "here": "あんしんメールの登録",
            "page": page,
            "form": form,
            "domain": settings.ALERTS_SENDING_DOMAIN,
            "hours": settings.ALERTS_SIGNUP_LINK_HOURS,
        },
    )


@GET_ONLY
@login_required
def staff_subscriptions(request: HttpRequest) -> HttpResponse:
    policy.staff_counts_require(request.user)
    rows = selectors.staff_subscription_counts(user=request.user)
    return render(
        request,
        "alerts/subscribers/staff_subscriptions.html",
        {"here": "職員の会員登録の状況", "rows": rows},
    )
