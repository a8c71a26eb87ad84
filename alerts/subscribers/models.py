"""会員: a subscriber of あんしんメール with the categories and areas chosen. A row exists
only once its address is confirmed (double opt-in: the sign-up link carries the choices,
signed, so nothing is kept for an unconfirmed address); unsubscribing deletes it."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from accounts.models import Municipality, Station

from ..categories.models import Category


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Subscriber(models.Model):
    email = models.EmailField("メールアドレス", unique=True)
    # The key of the subscriber's own page and of the one-click unsubscribe in every mail.
    token = models.CharField(
        "管理用の鍵", max_length=64, unique=True, default=new_token, editable=False
    )
    categories = models.ManyToManyField(
        Category, related_name="subscribers", verbose_name="受け取る配信区分"
    )
    whole_prefecture = models.BooleanField("県内全域", default=False)
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="subscribers", verbose_name="受け取る地域（市町村）"
    )
    # Seed 003 6⑸: staff subscribe from their own page; the station counts them.
    staff_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_subscription",
        verbose_name="職員",
    )
    staff_station = models.ForeignKey(
        Station,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="職員の所属署",
    )
    # 受信時間帯 (Tokyo time): non-urgent mail outside it waits for its start. Both or neither.
    band_start = models.TimeField("受信開始時刻", null=True, blank=True)
    band_end = models.TimeField("受信終了時刻", null=True, blank=True)
    # Permanent SMTP failures in a row; at settings.ALERTS_BOUNCE_LIMIT the address stops
    # receiving until the subscriber confirms or changes it on his own page.
    bounce_count = models.PositiveSmallIntegerField("連続不達回数", default=0)
    stopped_at = models.DateTimeField("不達による配信停止日時", null=True, blank=True)
    confirmed_at = models.DateTimeField("登録日時")
    updated_at = models.DateTimeField("変更日時", auto_now=True)

    class Meta:
        verbose_name = "会員"
        verbose_name_plural = "会員"
        ordering = ["-confirmed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(band_start__isnull=True, band_end__isnull=True)
                | models.Q(band_start__isnull=False, band_end__isnull=False),
                name="alerts_subscriber_band_whole",
            ),
        ]

    def __str__(self) -> str:
        # Never the address: lists and logs name a subscriber by number only.
        return f"会員{self.pk}"
