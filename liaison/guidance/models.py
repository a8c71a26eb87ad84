"""指導・評価 (要領 第3-2(4)): a superior's note of guidance, evaluation or commendation on an
officer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.inputs import free_text_field
from accounts.models import Station, User
from accounts.utils import dates
from accounts.utils.fields import actor_field


class OfficerNote(models.Model):
    """具体的な指導 by the 地域課長等, 評価・賞揚 by the 署長, of one beat officer, written on his
    period page; he reads them on his own. Append-only: a later note follows an earlier one."""

    class Kind(models.TextChoices):
        GUIDANCE = "guidance", "具体的な指導"
        EVALUATION = "evaluation", "評価"
        COMMENDATION = "commendation", "賞揚"

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="+", verbose_name="警察署"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="officer_notes",
        verbose_name="受持警察官",
    )
    kind = models.CharField("種別", max_length=20, choices=Kind.choices)
    body = free_text_field("内容")
    period_from = models.DateField("対象期間（から）", null=True, blank=True)
    period_to = models.DateField("対象期間（まで）", null=True, blank=True)
    written_by = actor_field("記録者")
    written_at = models.DateTimeField("記録日時", default=timezone.now, editable=False)

    history = HistoricalRecords()
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "指導・評価の記録"
        verbose_name_plural = "指導・評価の記録"
        ordering = ["-written_at", "-pk"]
        indexes = [
            # The officer's page: his notes at the station, newest first.
            models.Index(fields=["officer", "station", "-written_at"], name="liaison_note_officer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_from__isnull=True)
                | Q(period_to__isnull=True)
                | Q(period_to__gte=models.F("period_from")),
                name="liaison_officernote_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} {self.get_kind_display()}（{dates.date_ja(self.written_at)}）"
