"""手交 (要領 第6-2(1)ア): a blank card left with a resident, to be collected later."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.inputs import free_text_field
from accounts.models import Station, User
from accounts.utils.fields import actor_field
from liaison.cards.models import LiaisonBook, LiaisonCard, validate_banchi, validate_not_future


class CardHandout(models.Model):
    """カードの手交: the beat officer left a blank card with a resident to fill in, to be
    collected by a date. Not a visit with a card: it waits on his worklist until he collects
    it (and files or corrects the card) or gives it up with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", "回収待ち"
        COLLECTED = "collected", "回収済み"
        GIVEN_UP = "given_up", "回収を断念"

    book = models.ForeignKey(
        LiaisonBook, on_delete=models.PROTECT, related_name="handouts", verbose_name="巡回連絡簿"
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="+", verbose_name="警察署"
    )
    # The filed card the blank was handed for (a household asked to write its changes), or
    # the card made from it once collected.
    card = models.ForeignKey(
        LiaisonCard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handouts",
        verbose_name="カード",
    )
    town = models.CharField("町字", max_length=60)
    banchi = models.CharField("番地", max_length=40, validators=[validate_banchi])
    building = models.CharField("建物名", max_length=80, blank=True)
    room = models.CharField("部屋番号", max_length=20, blank=True)
    resident_name = models.CharField("氏名（分かれば）", max_length=60, blank=True)
    handed_on = models.DateField("手交日", validators=[validate_not_future])
    collect_by = models.DateField("回収予定日")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="card_handouts",
        verbose_name="手交した警察官",
    )
    status = models.CharField(
        "状態", max_length=12, choices=Status.choices, default=Status.OPEN, editable=False
    )
    closed_at = models.DateTimeField("回収・断念の日時", null=True, blank=True, editable=False)
    closed_by = actor_field("回収・断念した職員", optional=True)
    give_up_reason = free_text_field("断念の理由", blank=True)
    created_at = models.DateTimeField("記録日時", default=timezone.now, editable=False)

    history = HistoricalRecords()
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "巡回連絡カードの手交"
        verbose_name_plural = "巡回連絡カードの手交"
        ordering = ["collect_by", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(collect_by__gte=models.F("handed_on")),
                name="liaison_cardhandout_collect_after_handed",
            ),
            models.CheckConstraint(
                condition=Q(status="open")
                | (Q(closed_at__isnull=False) & Q(closed_by__isnull=False)),
                name="liaison_cardhandout_closed_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(status="given_up") | ~Q(give_up_reason=""),
                name="liaison_cardhandout_given_up_with_reason",
            ),
        ]
        indexes = [
            # The worklist's section: the open handouts of the officer's books.
            models.Index(
                fields=["book", "collect_by"],
                condition=Q(status="open"),
                name="liaison_handout_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town}{self.banchi}（{self.get_status_display()}）"

    @property
    def short_address(self) -> str:
        tail = " ".join(p for p in (self.building, self.room) if p)
        return f"{self.town}{self.banchi} {tail}".strip()
