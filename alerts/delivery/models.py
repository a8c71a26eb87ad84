"""配信の送信: one Delivery row per subscriber an alert reaches, the unit of the sending queue.
The database, not Redis, is the record of what must still be sent (DESIGN.md, Queue and
time): a task claims rows by compare-and-set, marks them as it sends, and the reaper puts
back what a dead worker held. Each row has its Message-ID from the start, so a message sent
twice after a crash carries the same one."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ..drafts.models import Alert
from ..subscribers.models import Subscriber


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "送信待ち"
    SENDING = "sending", "送信中"
    SENT = "sent", "送信済み"
    FAILED = "failed", "送信できず"
    # The subscriber unsubscribed or was stopped for bounces before the row went out.
    DROPPED = "dropped", "送信取りやめ"


class Delivery(models.Model):
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="deliveries", verbose_name="配信"
    )
    # SET_NULL: an unsubscribe deletes the subscriber; the row stays, addressless, for counts.
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.SET_NULL,
        null=True,
        related_name="deliveries",
        verbose_name="会員",
    )
    status = models.CharField(
        "状態", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    message_id = models.CharField("メッセージID", max_length=150, unique=True)
    # Not sent before this time: the alert's send time, or the start of the subscriber's
    # receive-time band (non-urgent), or the evening digest.
    not_before = models.DateTimeField("送信可能日時")
    # Goes out in the evening digest with the subscriber's other rows of the day.
    in_digest = models.BooleanField("夕方のまとめ送信", default=False)
    attempts = models.PositiveSmallIntegerField("送信試行回数", default=0)
    enqueued_at = models.DateTimeField("キュー投入日時", null=True, blank=True)
    claimed_at = models.DateTimeField("送信開始日時", null=True, blank=True)
    sent_at = models.DateTimeField("送信日時", null=True, blank=True)
    error = models.CharField("送信エラー", max_length=300, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "送信"
        verbose_name_plural = "送信"
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "subscriber"], name="alerts_delivery_once_per_subscriber"
            ),
        ]
        indexes = [
            models.Index(fields=["alert", "status"], name="alerts_delivery_alert"),
            # The dispatcher and the reaper read only the open rows.
            models.Index(
                fields=["status", "not_before"],
                name="alerts_delivery_open",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["subscriber", "created_at"], name="alerts_delivery_daily"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}→会員{self.subscriber_id} {self.get_status_display()}"
