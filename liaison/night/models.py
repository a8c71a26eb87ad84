"""夜間巡回連絡の承認 (要領 第5-3): an officer's request to visit after hours, and its decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.inputs import free_text_field
from accounts.models import Beat, Station, User
from accounts.utils import dates
from accounts.utils.fields import actor_field

OPEN_PER_DATE = "liaison_nightvisitrequest_one_open_per_date"
# A request that still counts for its date: waiting, or approved.
OPEN_STATUSES = ["pending", "approved"]


class NightVisitRequest(models.Model):
    """夜間巡回連絡の承認 (要領 第5-3): asked by the officer, decided by the 地域課長等."""

    class Status(models.TextChoices):
        PENDING = "pending", "承認待ち"
        APPROVED = "approved", "承認"
        REJECTED = "rejected", "不承認"
        WITHDRAWN = "withdrawn", "取下げ"

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="night_visit_requests",
        verbose_name="受持警察官",
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="+", verbose_name="警察署"
    )
    date = models.DateField("実施日")
    planned_start = models.TimeField("開始予定")
    planned_end = models.TimeField("終了予定")
    beats = models.ManyToManyField(Beat, related_name="+", verbose_name="受持区", blank=True)
    reason = free_text_field("理由")
    status = models.CharField(
        "状態", max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    requested_at = models.DateTimeField("申請日時", default=timezone.now, editable=False)
    decided_by = actor_field("決裁者", optional=True)
    decided_at = models.DateTimeField("決裁日時", null=True, blank=True, editable=False)
    decision_comment = free_text_field("決裁の意見", blank=True, editable=False)
    withdrawn_at = models.DateTimeField("取下げ日時", null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[beats])
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "夜間巡回連絡の承認申請"
        verbose_name_plural = "夜間巡回連絡の承認申請"
        ordering = ["-date", "-requested_at"]
        indexes = [
            models.Index(fields=["officer", "date", "status"], name="liaison_nvr_officer_date"),
            models.Index(fields=["station", "status", "date"], name="liaison_nvr_station_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("planned_start")),
                name="liaison_nightvisitrequest_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "withdrawn"])
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="liaison_nightvisitrequest_decision_recorded",
            ),
            # One open request (waiting or approved) per officer and date: a second one,
            # even from two tabs at once, is refused by the database.
            models.UniqueConstraint(
                fields=["officer", "date"],
                condition=Q(status__in=OPEN_STATUSES),
                name=OPEN_PER_DATE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} {dates.date_ja(self.date)}（{self.get_status_display()}）"
