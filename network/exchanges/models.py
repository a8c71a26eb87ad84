"""情報交換 (seed 001 3⑴ア・イ): a contact between a member of staff and a liaison member,
what the police handed over and what was heard.

3⑵ただし: whether the member passes police information on to the 自治会 is his own
decision; no field asks or tracks it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from accounts.inputs import free_text_field
from accounts.models import Department, Station, User
from accounts.utils.fields import actor_field
from network.bulletins.models import Bulletin
from network.members.models import LiaisonMember


class ExchangeOccasion(models.TextChoices):
    LIAISON_VISIT = "liaison_visit", "巡回連絡"
    PATROL = "patrol", "警ら"
    PHONE = "phone", "電話"
    MEETING = "meeting", "会議"
    VISIT = "visit", "訪問"
    AT_STATION = "at_station", "来署"


class Exchange(models.Model):
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="exchanges", verbose_name="警察署"
    )
    member = models.ForeignKey(
        LiaisonMember, on_delete=models.PROTECT, related_name="exchanges", verbose_name="連絡員"
    )
    held_on = models.DateField("日付")
    staff = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="exchanges", verbose_name="対応した職員"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="exchanges", verbose_name="課"
    )
    occasion = models.CharField("機会", max_length=20, choices=ExchangeOccasion.choices)
    minutes = models.PositiveSmallIntegerField("所要時間（分）")
    bulletins = models.ManyToManyField(
        Bulletin, blank=True, related_name="exchanges", verbose_name="手渡した地域安全情報"
    )
    handed_text = free_text_field("伝えた情報（自由記載）", blank=True)
    heard = free_text_field("聴取した意見・要望・情報", blank=True)
    recorded_by = actor_field("記録した職員")
    recorded_at = models.DateTimeField("記録日時", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "情報交換"
        verbose_name_plural = "情報交換"
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["member", "-held_on"], name="network_exchange_member"),
            models.Index(fields=["station", "held_on"], name="network_exchange_station"),
        ]

    def __str__(self) -> str:
        return f"情報交換 No.{self.pk}"
