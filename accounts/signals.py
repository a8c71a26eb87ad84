"""Sign-in events into the access log (cross-cutting listeners, no rules here)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AccessEvent, User
from .services import access_event_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    access_event_record(user=user, action=AccessEvent.Action.LOGIN)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is None or getattr(request, "_session_expired", False):
        return
    access_event_record(user=user, action=AccessEvent.Action.LOGOUT)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "") or ""
    access_event_record(
        user=User.objects.filter(employee_number=username).first(),
        username=username,
        action=AccessEvent.Action.LOGIN_FAILED,
        outcome=AccessEvent.Outcome.FAILURE,
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    access_event_record(
        user=User.objects.filter(employee_number=username or "").first(),
        username=username or "",
        action=AccessEvent.Action.LOCKOUT,
        outcome=AccessEvent.Outcome.DENIED,
        summary="連続したサインイン失敗によるロック",
    )
