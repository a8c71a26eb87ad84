"""受持区の引継ぎ: an officer's confirmation that he has taken over a beat's cards."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from accounts.inputs import free_text_field
from accounts.models import BeatAssignment
from accounts.utils import dates
from accounts.utils.fields import actor_field


class Takeover(models.Model):
    """引継ぎ (要領 第5-5): the new officer of a beat has read what his predecessor did."""

    assignment = models.OneToOneField(
        BeatAssignment,
        on_delete=models.PROTECT,
        related_name="takeover",
        verbose_name="受持警察官の指定",
    )
    predecessor = actor_field("前任者", optional=True, editable=True)
    coverage_percent = models.DecimalField("引継ぎ時の実施率（%）", max_digits=5, decimal_places=1)
    overdue_count = models.PositiveIntegerField("引継ぎ時の期限超過")
    open_follow_ups = models.PositiveIntegerField("引継ぎ時の未対応")
    note = free_text_field("所見", blank=True)
    confirmed_at = models.DateTimeField("確認日時", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "受持区の引継ぎ確認"
        verbose_name_plural = "受持区の引継ぎ確認"
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return f"{self.assignment}（{dates.date_ja(self.confirmed_at)}確認）"
