"""緊急閲覧 (break-the-glass): a time-limited, flagged read of one card outside the reader's
beats, with its purpose and reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.inputs import free_text_field
from liaison.cards.models import LiaisonCard


class BreakGlassPurpose(models.TextChoices):
    MISSING_PERSON = "missing_person", "迷子・行方不明者（高齢者等）の保護"
    DISASTER = "disaster", "災害時の安否確認"
    INQUIRY = "inquiry", "他部門からの照会"
    EMERGENCY = "emergency", "その他の緊急事案"


class BreakGlassAccess(models.Model):
    """緊急閲覧: an officer of the station opened a card outside his scope, for a stated
    purpose, for a short time. Append-only; audit reads it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="break_glass_accesses",
        verbose_name="職員",
    )
    card = models.ForeignKey(
        LiaisonCard,
        on_delete=models.PROTECT,
        related_name="break_glass_accesses",
        verbose_name="カード",
    )
    purpose = models.CharField("目的", max_length=30, choices=BreakGlassPurpose.choices)
    reason = free_text_field("理由")
    granted_at = models.DateTimeField("開始日時", default=timezone.now)
    expires_at = models.DateTimeField("期限")

    class Meta:
        verbose_name = "緊急閲覧"
        verbose_name_plural = "緊急閲覧"
        ordering = ["-granted_at"]
        indexes = [
            # card_list: the cards a user holds an unexpired grant for.
            models.Index(fields=["user", "expires_at"], name="liaison_bga_user_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.card_id}（{self.get_purpose_display()}）"
