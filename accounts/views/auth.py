"""Sign-in, two-factor, sign-out and password change.

Sign-in, its failures, the lock and sign-out reach the access log through the listeners in
accounts.signals; password and two-factor changes are recorded here, where they happen.
Codes and passwords never reach the log.
"""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import permissions, services
from ..forms.auth import OtpTokenForm, PasswordChangeForm, SignInForm
from ..inputs import is_local_path
from ..middleware import SIGNED_OUT_REASON_KEY, SessionLifetimeMiddleware
from ..models import AccessEvent, User
from ..services import access_event_record
from ..signals import PENDING_LOGIN_KEY
from ..utils.dates import duration_ja
from ..utils.http import GET_POST, POST_ONLY

OTP_DEVICE_NAME = "認証アプリ"


# --- Helpers ---------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str | None:
    """The `next` target if it stays on this site, else None (no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_local_path(target) else None


def _url_with_next(url_name: str, next_url: str | None) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _home() -> str:
    return reverse(settings.LOGIN_REDIRECT_URL)


def _confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def _pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up; reused so that reloading keeps one secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=OTP_DEVICE_NAME, confirmed=False)
    return device


def _throttle_message(device: TOTPDevice) -> str | None:
    """django-otp doubles the wait after each wrong code; say so instead of 'wrong'."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (info or {}).get("locked_until")
    if locked_until is not None:
        seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
        return f"確認コードの誤りが続いたため、{seconds}秒ほど待ってから入力してください。"
    return "確認コードの誤りが続いたため、しばらく待ってから入力してください。"


def _token_verify(device: TOTPDevice, token: str) -> bool:
    # The row lock stops two concurrent requests from both using one code.
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return bool(locked.verify_token(token))


def _otp_failure_record(request: HttpRequest, device: TOTPDevice, summary: str) -> None:
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.OTP_FAILED,
        outcome=AccessEvent.Outcome.FAILURE,
        obj=device,
        summary=summary,
    )


def _sign_in_complete(request: HttpRequest) -> None:
    """The second factor passed: the sign-in whose password step waited for it is complete.
    Its LOGIN event names that step's LOGIN_PENDING event, so the history shows one 成功."""
    pending = request.session.pop(PENDING_LOGIN_KEY, None)
    if pending is None:
        return  # verified again within a session (e.g. before changing the device)
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.LOGIN,
        object_type="accounts.accessevent",
        object_id=pending,
        summary="二要素認証を完了",
    )


# --- Sign-in and sign-out ----------------------------------------------------------------


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@GET_POST
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or _home())
    reason = request.session.pop(SIGNED_OUT_REASON_KEY, None)
    if isinstance(reason, str):
        messages.info(request, reason)
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = form.get_user()
        login(request, user)  # a new session key: no session fixation
        now = timezone.now().timestamp()
        request.session[SessionLifetimeMiddleware.STARTED_KEY] = now
        request.session[SessionLifetimeMiddleware.IDLE_KEY] = now
        if permissions.requires_two_factor(user, required_for_all=settings.OTP_REQUIRED_FOR_ALL):
            return redirect(_url_with_next("accounts:otp_verify", next_url))
        return redirect(next_url or _home())
    return render(request, "accounts/auth/login.html", {"form": form, "next": next_url or ""})


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """django-axes calls this instead of the view's answer while the account is locked.

    The same page for an existing and an unknown 職員番号.
    """
    return render(
        request,
        "accounts/auth/locked.html",
        {"cooloff": duration_ja(settings.AXES_COOLOFF_TIME)},
        status=403,
    )


@POST_ONLY
def logout_view(request: HttpRequest) -> HttpResponse:
    was_signed_in = request.user.is_authenticated
    logout(request)
    if was_signed_in:
        messages.success(request, "サインアウトしました。")
    return redirect(settings.LOGOUT_REDIRECT_URL)


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """Stands in for the admin site's own sign-in form, which knows neither the lock
    page nor the second factor: everyone signs in through accounts:login."""
    return redirect(_url_with_next("accounts:login", _safe_next(request) or reverse("admin:index")))


# --- Two-factor --------------------------------------------------------------------------


@sensitive_post_parameters("token")
@login_required
@never_cache
@GET_POST
def otp_verify(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_verified():
        return redirect(next_url or _home())
    device = _confirmed_device(request.user)
    if device is None:
        return redirect(_url_with_next("accounts:otp_setup", next_url))
    form = OtpTokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        wait = _throttle_message(device)
        if wait:
            form.add_error("token", wait)
            _otp_failure_record(request, device, "待機時間中の入力")
        elif _token_verify(device, form.cleaned_data["token"]):
            otp_login(request, device)
            _sign_in_complete(request)
            # A new key once the second factor is passed, as after the password.
            request.session.cycle_key()
            return redirect(next_url or _home())
        else:
            form.add_error(
                "token",
                "確認コードが正しくありません。認証アプリに表示されている最新の6桁を入力してください。",
            )
            _otp_failure_record(request, device, "確認コードの誤り")
    return render(request, "accounts/auth/otp_verify.html", {"form": form, "next": next_url or ""})


@sensitive_post_parameters("token")
@login_required
@never_cache
@GET_POST
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _safe_next(request)
    replacing = _confirmed_device(user) is not None
    if replacing and not user.is_verified():
        # Otherwise a stolen password alone would be enough to enrol the thief's phone.
        messages.info(
            request, "端末を変更するには、まず現在の認証アプリの確認コードを入力してください。"
        )
        return redirect(_url_with_next("accounts:otp_verify", reverse("accounts:otp_setup")))
    device = _pending_device(user)
    form = OtpTokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        wait = _throttle_message(device)
        if wait:
            form.add_error("token", wait)
            _otp_failure_record(request, device, "登録時の待機時間中の入力")
        elif _token_verify(device, form.cleaned_data["token"]):
            services.totp_device_confirm(actor=user, device=device)
            otp_login(request, device)
            request.session.cycle_key()
            _sign_in_complete(request)
            summary = "二要素認証の端末を変更" if replacing else "二要素認証の端末を登録"
            access_event_record(
                user=user, action=AccessEvent.Action.OTP_CHANGE, obj=device, summary=summary
            )
            messages.success(
                request,
                "認証アプリを登録しました。次回のサインインから、この端末の確認コードを使います。",
            )
            return redirect(next_url or _home())
        else:
            form.add_error(
                "token",
                "確認コードが正しくありません。QRコードを読み取った認証アプリの最新の6桁を入力してください。",
            )
            _otp_failure_record(request, device, "登録時の確認コードの誤り")
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url or "",
        "replacing": replacing,
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(
            scale=5, border=4, dark="#000", light="#fff"
        ),
        # Grouped by four so that it can be read out and typed without losing one's place.
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "accounts/auth/otp_setup.html", context)


# --- Password --------------------------------------------------------------------------


@sensitive_post_parameters()
@login_required
@never_cache
@GET_POST
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = form.save()
        # Keeps this session; every other session of the user ends (the hash changed).
        update_session_auth_hash(request, user)
        access_event_record(user=user, action=AccessEvent.Action.PASSWORD_CHANGE)
        messages.success(request, "パスワードを変更しました。")
        return redirect(_home())
    if form.is_bound and form.has_error("old_password", "password_incorrect"):
        access_event_record(
            user=request.user,
            action=AccessEvent.Action.PASSWORD_CHANGE,
            outcome=AccessEvent.Outcome.FAILURE,
            summary="現在のパスワードの誤り",
        )
    return render(
        request,
        "accounts/auth/password_change.html",
        {"form": form, "has_device": _confirmed_device(request.user) is not None},
    )


urlpatterns = [
    path("login/", login_view, name="login"),
    path("logout/", logout_view, name="logout"),
    path("otp/", otp_verify, name="otp_verify"),
    path("otp/setup/", otp_setup, name="otp_setup"),
    path("password/", password_change, name="password_change"),
]
