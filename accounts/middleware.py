"""Request id, session lifetimes, two-factor enforcement, and logging of refusals."""

from __future__ import annotations

import ipaddress
import logging
import re
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django_htmx.http import HttpResponseClientRedirect

from . import permissions
from .context import client_ip_var, request_id_var
from .exceptions import OutOfScope
from .utils.dates import duration_ja

logger = logging.getLogger(__name__)

# fullmatch, not ^…$: "$" also matches before a final newline, and an id ending in one
# would break the response header and split the log line.
_REQUEST_ID_RE = re.compile(r"[0-9A-Za-z\-]{8,64}")


def _ip_or_none(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client address; X-Forwarded-For only counts behind the configured proxies.

    Only a well-formed address is returned: it is written to AccessEvent.client_ip (an
    inet column on PostgreSQL), and a forged header must not make that write fail.
    """
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= proxies:
            address = _ip_or_none(forwarded[-proxies])
            if address is not None:
                return address
    return _ip_or_none(request.META.get("REMOTE_ADDR") or "")


class RequestIdMiddleware:
    """Give every request an id: on the response, in log lines and on access events.

    An id from a trusted front proxy (X-Request-ID) is kept if it looks like one.
    Refusals (403, and 404 for objects outside the user's scope) are logged here too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID_RE.fullmatch(incoming) else uuid.uuid4().hex
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


class NoStoreForSignedInMiddleware:
    """Nothing a signed-in person was shown stays in a browser's cache: cards, books, search
    results, the worklist, takeovers, members and audit pages all name people, and a shared
    tablet's next user must find nothing after sign-out (the back button included). Public
    pages keep whatever caching their views chose."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        # no-store (never written to disk), private (no shared proxy either); a view that set
        # no-store itself (exports) keeps its header.
        if signed_in and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


# Set on the fresh session after an automatic sign-out; the sign-in page shows it once.
SIGNED_OUT_REASON_KEY = "signed_out_reason"


def _timestamp(value: object) -> float | None:
    # Anything but a number (a session written by older code) counts as not set.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _to_page(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for an htmx request (which would swap the page in)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


class SessionLifetimeMiddleware:
    """Sign out after SESSION_IDLE_TIMEOUT without a request, and SESSION_ABSOLUTE_TIMEOUT
    after sign-in, whatever happens in between. Both are read on every request, so a
    changed setting applies to sessions already open."""

    IDLE_KEY = "last_activity"
    STARTED_KEY = "signed_in_at"
    IDLE_PRECISION_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            session = request.session
            reason = self.expiry_reason(session, now)
            if reason is not None:
                return self._expire(request, reason)
            if _timestamp(session.get(self.STARTED_KEY)) is None:
                # A session made without the sign-in page (force_login, older sessions).
                session[self.STARTED_KEY] = now
            last = _timestamp(session.get(self.IDLE_KEY))
            # A coarse timestamp: the session is written at most once a minute, not on every
            # request (a write is three statements). The idle limit may then end a session
            # up to a minute early, never late.
            if last is None or now - last >= self.IDLE_PRECISION_SECONDS:
                session[self.IDLE_KEY] = now
        return self.get_response(request)

    @classmethod
    def expiry_reason(cls, session, now: float) -> str | None:
        """Why this session must end now, in Japanese, or None."""
        absolute = settings.SESSION_ABSOLUTE_TIMEOUT
        idle = settings.SESSION_IDLE_TIMEOUT
        started = _timestamp(session.get(cls.STARTED_KEY))
        last = _timestamp(session.get(cls.IDLE_KEY))
        if started is not None and now - started > absolute.total_seconds():
            return (
                f"サインインから{duration_ja(absolute)}が経過したため、自動的にサインアウトしました。"
                "もう一度サインインしてください。"
            )
        if last is not None and now - last > idle.total_seconds():
            return (
                f"{duration_ja(idle)}以上操作がなかったため、自動的にサインアウトしました。"
                "もう一度サインインしてください。"
            )
        return None

    def _expire(self, request: HttpRequest, reason: str) -> HttpResponse:
        from .models import AccessEvent
        from .services import access_event_record

        access_event_record(
            user=request.user, action=AccessEvent.Action.SESSION_EXPIRED, summary=reason
        )
        request._session_expired = True  # type: ignore[attr-defined]  # no logout event twice
        logout(request)
        # MessageMiddleware runs after this one, so django.contrib.messages cannot be used
        # here: the reason travels in the new, empty session to the sign-in page.
        request.session[SIGNED_OUT_REASON_KEY] = reason
        login_url = reverse(settings.LOGIN_URL)
        if request.method == "GET" and not request.htmx:
            login_url = f"{login_url}?{urlencode({'next': request.get_full_path()})}"
        return _to_page(request, login_url)


class TwoFactorRequiredMiddleware:
    """A signed-in user who must use two factors reaches nothing but the two-factor pages,
    sign-out and static files until verified.

    The admin site always needs the second factor from its staff users: it can change
    accounts, so it must not be the way around the rule.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            admin_request = user.is_staff and request.path.startswith(reverse("admin:index"))
            if admin_request or permissions.requires_two_factor(
                user, required_for_all=settings.OTP_REQUIRED_FOR_ALL
            ):
                allowed = {
                    reverse("accounts:otp_verify"),
                    reverse("accounts:otp_setup"),
                    reverse("accounts:logout"),
                    reverse("healthz"),
                }
                if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                    url = reverse("accounts:otp_verify")
                    if request.method == "GET" and not request.htmx:
                        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
                    return _to_page(request, url)
        return self.get_response(request)
