"""Request id, session lifetimes, two-factor enforcement, and logging of refusals."""

from __future__ import annotations

import logging
import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from . import permissions
from .context import client_ip_var, request_id_var
from .exceptions import OutOfScope

logger = logging.getLogger(__name__)

_REQUEST_ID_RE = re.compile(r"^[0-9A-Za-z\-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    """The client address; X-Forwarded-For only counts behind the configured proxies."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    """Give every request an id: on the response, in log lines and on access events.

    An id from a trusted front proxy (X-Request-ID) is kept if it looks like one.
    Refusals (403, and 404 for objects outside the user's scope) are logged here too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        id_token = request_id_var.set(request_id)
        ip_token = client_ip_var.set(client_ip(request))
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            return response
        finally:
            request_id_var.reset(id_token)
            client_ip_var.reset(ip_token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        from .models import AccessEvent
        from .services import access_event_record

        user = getattr(request, "user", None)
        if isinstance(exception, OutOfScope):
            access_event_record(
                user=user,
                action=AccessEvent.Action.DENIED,
                outcome=AccessEvent.Outcome.DENIED,
                object_type=exception.object_type,
                object_id=exception.object_id,
                summary=f"担当範囲外 {request.method} {request.path[:200]}",
                out_of_scope=True,
            )
        elif isinstance(exception, DjangoPermissionDenied):
            access_event_record(
                user=user,
                action=AccessEvent.Action.DENIED,
                outcome=AccessEvent.Outcome.DENIED,
                summary=f"権限なし {request.method} {request.path[:200]}",
            )
        return None


class SessionLifetimeMiddleware:
    """Sign out after SESSION_IDLE_TIMEOUT without a request, and SESSION_ABSOLUTE_TIMEOUT
    after sign-in, whatever happens in between."""

    IDLE_KEY = "last_activity"
    STARTED_KEY = "signed_in_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            session = request.session
            started = session.get(self.STARTED_KEY)
            last = session.get(self.IDLE_KEY)
            reason = None
            if started is None:
                session[self.STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
                reason = f"サインインから{int(settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() // 3600)}時間が経過したため、サインアウトしました。"
            if (
                reason is None
                and last is not None
                and now - last > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            ):
                reason = f"{int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)}分間操作がなかったため、サインアウトしました。"
            if reason is not None:
                return self._expire(request, reason)
            session[self.IDLE_KEY] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest, reason: str) -> HttpResponse:
        from .models import AccessEvent
        from .services import access_event_record

        access_event_record(
            user=request.user, action=AccessEvent.Action.SESSION_EXPIRED, summary=reason
        )
        request._session_expired = True  # type: ignore[attr-defined]  # no logout event twice
        logout(request)
        messages.info(request, reason)
        login_url = reverse(settings.LOGIN_URL)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        return redirect(f"{login_url}?next={request.path}")


class TwoFactorRequiredMiddleware:
    """A signed-in user who must use two factors reaches nothing but the two-factor pages,
    sign-out and static files until verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and permissions.requires_two_factor(
                user, required_for_all=settings.OTP_REQUIRED_FOR_ALL
            )
        ):
            allowed = {
                reverse("accounts:otp_verify"),
                reverse("accounts:otp_setup"),
                reverse("accounts:logout"),
                reverse("healthz"),
            }
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect("accounts:otp_verify")
        return self.get_response(request)
