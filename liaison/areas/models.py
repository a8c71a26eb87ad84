"""管内: the towns and 丁目 each beat covers (要領 第6-2(1)イ)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Beat, User
from accounts.utils.fields import actor_field


class BeatArea(models.Model):
    """One town (町字), or one 丁目 of it, inside a beat: the beats' areas together are the
    station's 管内. Other staff may make cards only for residents whose address lies in it,
    and a submitted card's address proposes its beat. Kept by the 地域課長等 or HQ."""

    beat = models.ForeignKey(
        Beat, on_delete=models.CASCADE, related_name="areas", verbose_name="受持区"
    )
    town = models.CharField("町字", max_length=60)
    chome = models.PositiveSmallIntegerField(
        "丁目", null=True, blank=True, help_text="空欄なら町字の全域"
    )
    # The town as addresses are compared (liaison.areas.town_key), kept by the service.
    town_key = models.CharField("町字（照合用）", max_length=60, editable=False)
    set_by = actor_field("設定者")
    set_at = models.DateTimeField("設定日時", default=timezone.now, editable=False)

    history = HistoricalRecords()
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "受持区の区域"
        verbose_name_plural = "受持区の区域"
        ordering = ["beat_id", "town_key", "chome"]
        constraints = [
            # A town, or one 丁目 of it, once per beat (NULL, the whole town, apart).
            models.UniqueConstraint(
                fields=["beat", "town_key", "chome"],
                condition=Q(chome__isnull=False),
                name="liaison_beatarea_unique_chome",
            ),
            models.UniqueConstraint(
                fields=["beat", "town_key"],
                condition=Q(chome__isnull=True),
                name="liaison_beatarea_unique_town",
            ),
        ]
        indexes = [
            # liaison.areas.beat_for_address: the station's areas of one town.
            models.Index(fields=["town_key", "beat"], name="liaison_beatarea_town"),
        ]

    def __str__(self) -> str:
        return f"{self.town}{self.chome}丁目" if self.chome else self.town
