"""要確認事案 (anomaly cases) found in the access log, and the append-only steps of their
review. The rules are in accounts.audit."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from ..inputs import free_text_field
from .organisation import Beat, Station
from .users import User


class AnomalyCase(models.Model):
    """要確認事案: an access pattern HQ auditors (and, for break-the-glass, the beat's
    取扱責任者) review. Found by accounts.audit.anomalies; no personal values inside."""

    class Kind(models.TextChoices):
        READ_SPIKE = "read_spike", "閲覧件数の急増"
        OUT_OF_SCOPE = "out_of_scope", "担当範囲外の閲覧"
        BREAK_GLASS = "break_glass", "緊急閲覧"
        OFF_HOURS = "off_hours", "勤務時間外の閲覧"
        LARGE_EXPORT = "large_export", "大量の出力"
        SENSITIVE = "sensitive", "取扱注意カードの閲覧"

    class Status(models.TextChoices):
        OPEN = "open", "未確認"
        EXPLAINED = "explained", "説明済み"
        ESCALATED = "escalated", "上申"
        CLOSED = "closed", "終結"

    kind = models.CharField("種別", max_length=20, choices=Kind.choices)
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.OPEN)
    subject = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="anomaly_cases", verbose_name="対象職員"
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, null=True, blank=True, verbose_name="警察署"
    )
    # For break-the-glass: the beat whose 取扱責任者 reviews the case too.
    beat = models.ForeignKey(
        Beat, on_delete=models.PROTECT, null=True, blank=True, verbose_name="受持区"
    )
    day = models.DateField("発生日")
    # What makes the case unique within a kind, person and day ("" or an event id).
    key = models.CharField("識別", max_length=64, blank=True)
    summary = models.CharField("概要", max_length=300)
    figures = models.JSONField("数値", default=dict, blank=True)
    event_ids = models.JSONField("閲覧記録ID", default=list, blank=True)
    found_at = models.DateTimeField("検出日時", default=timezone.now)
    reviewed_at = models.DateTimeField("最終確認日時", null=True, blank=True)

    class Meta:
        verbose_name = "要確認事案"
        verbose_name_plural = "要確認事案"
        ordering = ["-found_at", "-pk"]
        constraints = [
            # Detection runs daily and on demand: the same finding is one case, never two.
            models.UniqueConstraint(
                fields=["kind", "subject", "day", "key"], name="accounts_anomalycase_once"
            ),
        ]
        indexes = [
            # The case list: open cases first, oldest found first.
            models.Index(fields=["status", "found_at"], name="accounts_ac_status_found"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day}"


class AnomalyReview(models.Model):
    """One step of a case's review: who moved it, from what to what, when, with what note.
    Append-only."""

    case = models.ForeignKey(
        AnomalyCase, on_delete=models.CASCADE, related_name="reviews", verbose_name="事案"
    )
    reviewer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="anomaly_reviews", verbose_name="確認者"
    )
    reviewed_at = models.DateTimeField("日時", default=timezone.now)
    from_status = models.CharField("変更前", max_length=20, choices=AnomalyCase.Status.choices)
    to_status = models.CharField("変更後", max_length=20, choices=AnomalyCase.Status.choices)
    note = free_text_field("所見", blank=True)

    class Meta:
        verbose_name = "要確認事案の確認"
        verbose_name_plural = "要確認事案の確認"
        ordering = ["reviewed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"
