"""地域安全情報 (seed 001 3⑴ア・エ): ミニ広報紙, 交番速報 and HQ's information, published by a
station or by HQ for an area and a period, handed to members in exchanges."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.inputs import free_text_field
from accounts.models import Beat, Headquarters, Station
from accounts.utils.fields import actor_field

BULLETIN_FILE_MAX = 5 * 1024 * 1024  # a leaflet's PDF


class BulletinKind(models.TextChoices):
    MINI_NEWS = "mini_news", "ミニ広報紙"
    POST_NEWS = "post_news", "交番速報"
    HQ_INFO = "hq_info", "本部からの地域安全情報"
    OTHER = "other", "その他"


class Bulletin(models.Model):
    """One piece of 地域安全情報 on the shelf. Its area is its beats; none named means the
    whole station (or, from HQ, every station)."""

    headquarters = models.ForeignKey(
        Headquarters, on_delete=models.PROTECT, null=True, blank=True, verbose_name="警察本部"
    )
    station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bulletins",
        verbose_name="警察署",
    )
    publisher_name = models.CharField(
        "発行元", max_length=60, help_text="例：駅前交番、生活安全企画課"
    )
    kind = models.CharField("種別", max_length=20, choices=BulletinKind.choices)
    title = models.CharField("題名", max_length=120)
    body = free_text_field("本文", blank=True)
    # A small PDF kept with the row: served only through the permission check, never public.
    pdf = models.BinaryField("添付ファイル", null=True, blank=True, editable=False)
    pdf_name = models.CharField("添付ファイルの名前", max_length=120, blank=True, editable=False)
    beats = models.ManyToManyField(
        Beat, blank=True, related_name="bulletins", verbose_name="対象の受持区"
    )
    valid_from = models.DateField("掲載開始日")
    valid_until = models.DateField("掲載終了日")
    published_by = actor_field("掲載した職員")
    published_at = models.DateTimeField("掲載日時", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "地域安全情報"
        verbose_name_plural = "地域安全情報"
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(headquarters__isnull=False, station__isnull=True)
                | Q(headquarters__isnull=True, station__isnull=False),
                name="network_bulletin_one_publisher",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="network_bulletin_period",
            ),
        ]

    def __str__(self) -> str:
        return self.title
