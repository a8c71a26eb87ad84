"""Planning the visits (要領 第5): the prefecture's visit-frequency policy, the station's
専従日 (dedicated days) and each officer's monthly plan."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.inputs import free_text_field
from accounts.models import Headquarters, Station, User
from accounts.utils import dates
from accounts.utils.fields import actor_field
from liaison.cards.models import CardKind, LiaisonCard


class VisitPolicy(models.Model):
    """実施頻度 (要領 第5-2): how often each card must be visited, set by HQ. One row per
    headquarters; every change is kept in its history with who and why."""

    headquarters = models.OneToOneField(
        Headquarters, on_delete=models.PROTECT, related_name="visit_policy", verbose_name="警察本部"
    )
    default_cycle_days = models.PositiveIntegerField(
        "通常の周期（日）", default=365, validators=[MaxValueValidator(3650)]
    )
    elderly_alone_cycle_days = models.PositiveIntegerField(
        "一人暮らしの高齢者（日）", null=True, blank=True, validators=[MaxValueValidator(3650)]
    )
    elderly_only_cycle_days = models.PositiveIntegerField(
        "高齢者のみの世帯（日）", null=True, blank=True, validators=[MaxValueValidator(3650)]
    )
    needs_support_cycle_days = models.PositiveIntegerField(
        "要支援者がいる世帯（日）", null=True, blank=True, validators=[MaxValueValidator(3650)]
    )
    foreign_cycle_days = models.PositiveIntegerField(
        "外国人世帯（日）", null=True, blank=True, validators=[MaxValueValidator(3650)]
    )
    count_households = models.BooleanField("世帯を対象とする", default=True)
    count_businesses = models.BooleanField("事業所・官公署を対象とする", default=True)
    count_apartments = models.BooleanField(
        "集合住宅の建物を対象とする",
        default=False,
        help_text="各室の世帯は世帯として数えます。建物自体（管理人等）も訪問する場合に選びます。",
    )
    reason = models.CharField("変更の理由", max_length=200, blank=True)
    changed_by = actor_field("変更者", optional=True)
    changed_at = models.DateTimeField("変更日時", default=timezone.now, editable=False)

    history = HistoricalRecords()
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "巡回連絡の実施頻度"
        verbose_name_plural = "巡回連絡の実施頻度"
        constraints = [
            models.CheckConstraint(
                condition=Q(default_cycle_days__gte=1), name="liaison_visitpolicy_cycle_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.headquarters}：通常{self.default_cycle_days}日"

    CARE_CYCLES = {
        "care_elderly_alone": "elderly_alone_cycle_days",
        "care_elderly_only": "elderly_only_cycle_days",
        "care_needs_support": "needs_support_cycle_days",
        "care_foreign": "foreign_cycle_days",
    }

    @property
    def kinds(self) -> list[str]:
        kinds = []
        if self.count_households:
            kinds.append(CardKind.HOUSEHOLD)
        if self.count_businesses:
            kinds.append(CardKind.BUSINESS)
        if self.count_apartments:
            kinds.append(CardKind.APARTMENT)
        return kinds

    def cycle_for(self, card: LiaisonCard) -> int:
        """The shortest cycle among the card's care points, else the default."""
        cycles = [self.default_cycle_days]
        for flag, field in self.CARE_CYCLES.items():
            days = getattr(self, field)
            if days and getattr(card, flag):
                cycles.append(days)
        return min(cycles)


class DedicatedDay(models.Model):
    """巡回連絡専従日 (要領 第3-2(2)): a day on which an officer does only 巡回連絡."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="+", verbose_name="警察署"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dedicated_days",
        verbose_name="受持警察官",
    )
    date = models.DateField("専従日")
    set_by = actor_field("設定者")
    set_at = models.DateTimeField("設定日時", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "巡回連絡専従日"
        verbose_name_plural = "巡回連絡専従日"
        ordering = ["date", "officer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "date"], name="liaison_dedicatedday_unique_officer_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} {dates.date_ja(self.date)}"


class MonthlyPlan(models.Model):
    """巡回連絡の計画 (計画・実施結果報告): set at the start of the month, compared with the
    result by the 地域課長等."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="+", verbose_name="警察署"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="monthly_plans",
        verbose_name="受持警察官",
    )
    month = models.DateField("月", help_text="その月の1日")
    planned_households = models.PositiveIntegerField("計画戸数")
    areas = models.CharField("重点地域", max_length=200, blank=True)
    note = free_text_field("備考", blank=True)
    set_by = actor_field("作成者")
    updated_at = models.DateTimeField("更新日時", default=timezone.now, editable=False)

    history = HistoricalRecords()
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "巡回連絡の月間計画"
        verbose_name_plural = "巡回連絡の月間計画"
        ordering = ["-month", "officer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "month"], name="liaison_monthlyplan_unique_officer_month"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="liaison_monthlyplan_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} {dates.month_ja(self.month)} {self.planned_households}戸"
