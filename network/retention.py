"""Seed 001 and 要領 第4 (privacy): a withdrawn member's personal data is kept for
NETWORK_MEMBER_RETENTION_DAYS after the withdrawal, then erased by the audit's retention
run (accounts.audit.retention.personal_data_expire). The member's row, steps, exchanges
and meetings stay, so every count stays as it was; the values go from the row and from its
change history alike."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.audit.registry import PersonalDataExpiry, register_expiry
from accounts.models import AccessEvent
from accounts.services import access_event_record
from network.members.models import LiaisonMember, MemberStatus, MemberStep

# The member's personal values, blanked on the row and on every history row.
PERSONAL = {
    "name": "",
    "name_kana": "",
    "phone": "",
    "email": "",
    "postal_code": "",
    "address": "",
    "found_note": "",
}
DERIVED = {"search_key": "", "phone_digits": "", "address_key": ""}


def members_due(now: dt.datetime) -> QuerySet[LiaisonMember]:
    # Days count in Tokyo: withdrawn on day D is kept through D + N days.
    today = timezone.localdate(now)
    return LiaisonMember.objects.filter(
        status=MemberStatus.WITHDRAWN,
        personal_data_removed_at__isnull=True,
        withdrawn_on__lt=today - dt.timedelta(days=settings.NETWORK_MEMBER_RETENTION_DAYS),
    )


def members_due_count(now: dt.datetime) -> int:
    return members_due(now).count()


@transaction.atomic
def members_erase(now: dt.datetime) -> int:
    ids = list(members_due(now).select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    LiaisonMember.objects.filter(pk__in=ids).update(
        **PERSONAL, **DERIVED, personal_data_removed_at=now
    )
    LiaisonMember.history.filter(id__in=ids).update(**PERSONAL)
    MemberStep.objects.filter(member_id__in=ids).update(reason="")
    access_event_record(
        user=None,
        action=AccessEvent.Action.UPDATE,
        object_type="network.liaisonmember",
        summary="保存期間を過ぎた退任連絡員の個人情報を削除",
        record_count=len(ids),
    )
    return len(ids)


def register() -> None:
    register_expiry(
        PersonalDataExpiry(
            key="network.member",
            label="退任した地域安全連絡員",
            due=members_due_count,
            erase=members_erase,
        )
    )
