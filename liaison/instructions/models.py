"""署長指示 (要領 第5-1): the 署長's instruction to visit, or not to visit, given areas or
cards for a period."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.inputs import free_text_field
from accounts.models import Station, User
from accounts.utils.fields import actor_field
from liaison.cards.models import LiaisonCard


class StationInstruction(models.Model):
    """署長指示 (要領 第5-1): 「警察署長が特に指示した場合を除き」 every household and business
    of a beat is visited. The 署長 excludes cards or areas from that, or adds cards or areas the
    frequency policy leaves out, for a period and with a reason. The worklist and the progress
    figures follow the instructions in force and say which apply."""

    class Action(models.TextChoices):
        EXCLUDE = "exclude", "対象から除く"
        INCLUDE = "include", "対象に加える"

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="+", verbose_name="警察署"
    )
    action = models.CharField("指示", max_length=10, choices=Action.choices)
    cards = models.ManyToManyField(LiaisonCard, related_name="+", blank=True, verbose_name="カード")
    # 町字, or 町字 and 丁目, as written on the cards (「千波町」「千波町一丁目」).
    areas = models.JSONField("地域（町字・丁目）", default=list, blank=True)
    reason = free_text_field("理由")
    starts_on = models.DateField("開始日")
    ends_on = models.DateField("終了日")
    issued_by = actor_field("指示した署長")
    issued_at = models.DateTimeField("指示日時", default=timezone.now, editable=False)
    # Ended before its end date: in force no more, kept for the record.
    ended_at = models.DateTimeField("終了日時", null=True, blank=True, editable=False)
    ended_by = actor_field("終了した職員", optional=True)

    history = HistoricalRecords(m2m_fields=[cards])
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "署長指示（巡回連絡の対象）"
        verbose_name_plural = "署長指示（巡回連絡の対象）"
        ordering = ["-starts_on", "-pk"]
        indexes = [
            # due_rule: the instructions of a station in force on a day.
            models.Index(fields=["station", "ends_on"], name="liaison_instruction_in_force"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="liaison_stationinstruction_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_by__isnull=False),
                name="liaison_stationinstruction_ended_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.get_action_display()} {self.starts_on:%Y-%m-%d}〜"

    def in_force(self, day) -> bool:
        return self.ended_at is None and self.starts_on <= day <= self.ends_on
