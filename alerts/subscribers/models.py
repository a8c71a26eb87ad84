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
    confirmed_at = models.DateTimeField("登録日時")
    updated_at = models.DateTimeField("変更日時", auto_now=True)

    class Meta:
        verbose_name = "会員"
        verbose_name_plural = "会員"
        ordering = ["-confirmed_at", "pk"]

    def __str__(self) -> str:
        # Never the address: lists and logs name a subscriber by number only.
        return f"会員{self.pk}"
