"""Sign-in events into the access log (cross-cutting listeners, no rules here).

Django sends user_logged_in / user_logged_out / user_login_failed (the last one from
authenticate(), also when django-axes refuses a locked account); django-axes sends
user_locked_out from its own user_login_failed listener, which runs first because axes
comes before accounts in INSTALLED_APPS.
"""

from __future__ import annotations

from axes.helpers import get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from . import permissions
from .models import AccessEvent, User
from .services import access_event_record


def _user_by_number(username: str) -> User | None:
    return User.objects.filter(employee_number=username).first() if username else None


def _refused_by_lock(request: HttpRequest | None, credentials: dict | None) -> bool:
    """True when axes refused the attempt because the account was already locked (the
    password was never checked); False for a real failure, including the one that locks.

    axes counts a refused attempt as one more failure (AXES_RESET_COOL_OFF_ON_FAILURE_
    DURING_LOCKOUT) or leaves the count unset (when that setting is off).
    """
    if request is None or not getattr(request, "axes_locked_out", False):
        return False
    failures = getattr(request, "axes_failures_since_start", None)
    return failures is None or failures > get_failure_limit(request, credentials)


# The session key under which a sign-in waiting for its second factor keeps its event id.
PENDING_LOGIN_KEY = "pending_login_event"


@receiver(user_logged_in, dispatch_uid="accounts_access_log_logged_in")
def _logged_in(sender, request, user, **kwargs) -> None:
    # With a second factor to come, the password alone is not a sign-in: its event is
    # LOGIN_PENDING, and accounts.views.auth.otp_verify records the LOGIN that completes it.
    if permissions.requires_two_factor(user, required_for_all=settings.OTP_REQUIRED_FOR_ALL):
        event = access_event_record(
            user=user,
            action=AccessEvent.Action.LOGIN_PENDING,
            outcome=AccessEvent.Outcome.FAILURE,
            summary="パスワードは確認済み・二要素認証は未完了",
        )
        if request is not None and hasattr(request, "session"):
            request.session[PENDING_LOGIN_KEY] = event.pk
        return
    access_event_record(user=user, action=AccessEvent.Action.LOGIN)


@receiver(user_logged_out, dispatch_uid="accounts_access_log_logged_out")
def _logged_out(sender, request, user, **kwargs) -> None:
    # An expired session has its own event (SessionLifetimeMiddleware).
    if user is None or getattr(request, "_session_expired", False):
        return
    access_event_record(user=user, action=AccessEvent.Action.LOGOUT)


@receiver(user_login_failed, dispatch_uid="accounts_access_log_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in `credentials`; only the name is kept.
    credentials = credentials or {}
    username = str(credentials.get("username") or credentials.get(User.USERNAME_FIELD) or "")
    if _refused_by_lock(request, credentials):
        outcome, summary = AccessEvent.Outcome.DENIED, "ロック中のため拒否"
    else:
        outcome, summary = AccessEvent.Outcome.FAILURE, "職員番号またはパスワードの誤り"
    access_event_record(
        user=_user_by_number(username),
        username=username,
        action=AccessEvent.Action.LOGIN_FAILED,
        outcome=outcome,
        summary=summary,
    )


@receiver(user_locked_out, dispatch_uid="accounts_access_log_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    credentials = getattr(request, "axes_credentials", None)
    if _refused_by_lock(request, credentials):
        return  # still locked: the refused attempt is its own LOGIN_FAILED event
    access_event_record(
        user=_user_by_number(username or ""),
        username=username or "",
        action=AccessEvent.Action.LOCKOUT,
        outcome=AccessEvent.Outcome.DENIED,
        summary="連続したサインイン失敗によるロック",
    )


def role_groups_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """A migration that adds a permission or changes what a role carries (ROLE_GRANTS)
    cannot grant it: the permission rows appear only after migrate. So every role group is
    made exact here, once per migrate; with no role groups (a new database) it is one query."""
    from django.db import router

    from . import permissions
    from .models import RoleGroup

    if not router.allow_migrate_model(using, RoleGroup):
        return
    permissions.role_groups_sync_all()
