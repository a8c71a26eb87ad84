"""Closing a request heard from a liaison member (seed 001 3⑴ウ): the department records what
was done, once. (Raising one is network.requests.services.request_raise.)"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from network.requests import policy
from network.requests.models import DepartmentRequest


@transaction.atomic
def request_close(
    *, actor: User, department_request: DepartmentRequest, action_taken: str
) -> DepartmentRequest:
    """対応済み: who, when and what was done are kept on the request. A request already
    closed is refused (TransitionError), whoever closed it first."""
    fresh = DepartmentRequest.objects.select_for_update().get(pk=department_request.pk)
    policy.request_close_check(actor, fresh)
    text = action_taken.strip()
    if not text:
        raise ValidationError({"action_taken": "対応の内容を入力してください。"})
    fresh.closed_at = timezone.now()
    fresh.closed_by = actor
    fresh.action_taken = text
    fresh.full_clean()
    fresh.save(update_fields=["closed_at", "closed_by", "action_taken"])
    return fresh
