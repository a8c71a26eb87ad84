"""緊急閲覧: open a card outside one's beats for a stated purpose, time-limited and logged."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import AccessEvent, Station, User
from accounts.services import notice_send
from liaison.cards.models import (
    CardStatus,
    LiaisonCard,
)
from liaison.cards.services import _log
from liaison.glass.models import BreakGlassAccess


# --- Break the glass ------------------------------------------------------------------------
@transaction.atomic
def break_glass_open(
    *, actor: User, card: LiaisonCard, purpose: str, reason: str
) -> BreakGlassAccess:
    """緊急閲覧: an officer of the card's station opens a card outside his scope for a stated
    purpose. Time-limited, logged with the flag, and the beat's 取扱責任者 is told."""
    from liaison.glass.models import BreakGlassPurpose

    if not permissions.has_perm(actor, "break_glass", Station(pk=card.station_id)):
        raise PermissionDenied("このカードを緊急閲覧する権限がありません。")
    if card.status not in (CardStatus.FILED, CardStatus.CLOSED):
        raise TransitionError("編てつされていないカードは緊急閲覧できません。")
    if purpose not in BreakGlassPurpose.values:
        raise ValidationError({"purpose": "緊急閲覧の目的を選んでください。"})
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": "理由を具体的に入力してください（10文字以上。例：○○事案の照会のため）。"}
        )
    now = timezone.now()
    access = BreakGlassAccess(
        user=actor,
        card=card,
        purpose=purpose,
        reason=reason.strip(),
        granted_at=now,
        expires_at=now + dt.timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    access.full_clean()
    access.save()
    _log(
        actor,
        AccessEvent.Action.VIEW,
        card,
        f"緊急閲覧の開始（{access.get_purpose_display()}）",
        break_glass=True,
    )
    supervisors = permissions.users_with_post_perm_for_beat(card.book_id, "supervise_post")
    notice_send(
        recipients=[u for u in supervisors if u.pk != actor.pk],
        title="担当の巡回連絡簿のカードが緊急閲覧されました",
        url=reverse("liaison:card_detail", kwargs={"pk": card.pk}),
    )
    return access
