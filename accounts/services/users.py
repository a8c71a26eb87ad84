"""Accounts: registering, disabling and enabling a person (each recorded in the access log),
ending all of a person's sessions, confirming a new authenticator and lifting a lockout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F

from ..exceptions import DomainError, TransitionError
from ..models import AccessEvent, User
from ..utils.history import history_save

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice
from .access import access_event_record


def _log_account_change(actor: User | None, user: User, summary: str) -> None:
    access_event_record(
        user=actor, action=AccessEvent.Action.ACCOUNT_CHANGE, obj=user, summary=summary
    )


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    employee_number: str,
    full_name: str,
    full_name_kana: str = "",
    email: str = "",
    password: str | None = None,
) -> User:
    user = User(
        employee_number=employee_number,
        full_name=full_name,
        full_name_kana=full_name_kana,
        email=email,
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    history_save(user, actor=actor, reason="職員の登録")
    _log_account_change(actor, user, "職員の登録")
    return user


def _end_sessions(user: User) -> None:
    # Every session's auth hash includes session_version; the auth middleware drops them.
    # update() is safe here: session_version is excluded from the history.
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    user.refresh_from_db(fields=["session_version"])


@transaction.atomic
def user_disable(*, actor: User | None, user: User, reason: str) -> User:
    if actor is not None and actor.pk == user.pk:
        raise DomainError("自分のアカウントは無効にできません。", field="reason")
    if not reason.strip():
        raise DomainError("無効にする理由を入力してください。", field="reason")
    if not user.is_active:
        raise TransitionError("この職員はすでに無効です。")
    user.is_active = False
    user._history_user = actor
    user._change_reason = reason
    user.save(update_fields=["is_active"])
    _end_sessions(user)
    _log_account_change(actor, user, "アカウントの無効化")
    return user


@transaction.atomic
def user_enable(*, actor: User | None, user: User, reason: str) -> User:
    if user.is_active:
        raise TransitionError("この職員はすでに有効です。")
    user.is_active = True
    user._history_user = actor
    user._change_reason = reason or "アカウントの有効化"
    user.save(update_fields=["is_active"])
    _log_account_change(actor, user, "アカウントの有効化")
    return user


@transaction.atomic
def totp_device_confirm(*, actor: User, device: TOTPDevice) -> None:
    """The new authenticator replaces every other one: a lost phone stops working at once."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def user_unlock(*, actor: User | None, user: User) -> None:
    """Lift a django-axes lockout before its 30 minutes are up."""
    from axes.utils import reset

    reset(username=user.employee_number)
    access_event_record(
        user=actor, action=AccessEvent.Action.UNLOCK, obj=user, summary="ロック解除"
    )
