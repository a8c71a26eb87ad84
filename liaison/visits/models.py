"""巡回連絡 (要領 第5): one visit to a card, its outcome, the topics covered (第5-4) and the
follow-up it asks of a department."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.inputs import free_text_field
from accounts.models import Station, User
from accounts.utils import dates
from accounts.utils.fields import actor_field
from liaison.cards.models import LiaisonBook, LiaisonCard
from liaison.night.models import NightVisitRequest


class VisitOutcome(models.TextChoices):
    MET = "met", "面接"
    ABSENT = "absent", "不在"
    REFUSED = "refused", "拒否"
    CARD_HANDED = "card_handed", "カード手交（後日回収）"
    CORRECTION_ONLY = "correction_only", "補正のみ"


# Outcomes that count as the card having been visited in its cycle. 不在 is an attempt:
# it drops the card from today's worklist but leaves it due. So is カード手交 (要領 第6-2(1)ア):
# a blank card left with the resident is not yet a visit with a card; it waits on the
# worklist as a CardHandout until collected or given up.
VISITED_OUTCOMES = (
    VisitOutcome.MET,
    VisitOutcome.REFUSED,
    VisitOutcome.CORRECTION_ONLY,
)


# 要領 第5-4 (1)〜(5), in the directive's own words: the topics a visit may cover.
VISIT_TOPICS = {
    "topic_trends": "最近における犯罪、事故及び災害の傾向並びにその被害の防止方法",
    "topic_local": "訪問先の住民等に身近な犯罪等の発生状況及びその被害の防止方法",
    "topic_first_aid": "犯罪等の発生時における応急措置及び緊急の連絡方法",
    "topic_procedures": "警察に対する各種届出の手続方法",
    "topic_other": "その他住民等の安全で平穏な生活を確保する上で必要な事項",
}


class TopicWay(models.TextChoices):
    """第5-4: 「訪問先の住民等に応じた指導連絡、情報提供、通報依頼等を行う」: per topic, what
    the officer did. Blank: the topic was not covered."""

    GUIDANCE = "guidance", "指導連絡"
    INFORMATION = "information", "情報提供"
    REPORT_REQUEST = "report_request", "通報依頼"


class FollowUpDepartment(models.TextChoices):
    COMMUNITY = "community", "地域課"
    SAFETY = "safety", "生活安全課"
    CRIMINAL = "criminal", "刑事課"
    TRAFFIC = "traffic", "交通課"
    SECURITY = "security", "警備課"
    ADMIN = "admin", "警務課"
    MUNICIPALITY = "municipality", "市町村・関係機関"
    OTHER = "other", "その他"


class Visit(models.Model):
    """One call at one card's address (要領 第5): outcome, topics, what was heard, follow-up."""

    card = models.ForeignKey(
        LiaisonCard, on_delete=models.PROTECT, related_name="visits", verbose_name="カード"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name="受持警察官",
    )
    # The card's current book and station, copied for per-beat and per-station figures
    # without a join. They follow the card: liaison.filing.services.card_move moves them with it,
    # so that a moved card's visits and follow-ups leave the old beat's pages.
    book = models.ForeignKey(
        LiaisonBook, on_delete=models.PROTECT, related_name="visits", verbose_name="巡回連絡簿"
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="+", verbose_name="警察署"
    )
    started_at = models.DateTimeField("開始")
    ended_at = models.DateTimeField("終了")
    outcome = models.CharField("結果", max_length=20, choices=VisitOutcome.choices)
    topic_trends = models.CharField(
        VISIT_TOPICS["topic_trends"], max_length=20, choices=TopicWay.choices, blank=True
    )
    topic_local = models.CharField(
        VISIT_TOPICS["topic_local"], max_length=20, choices=TopicWay.choices, blank=True
    )
    topic_first_aid = models.CharField(
        VISIT_TOPICS["topic_first_aid"], max_length=20, choices=TopicWay.choices, blank=True
    )
    topic_procedures = models.CharField(
        VISIT_TOPICS["topic_procedures"], max_length=20, choices=TopicWay.choices, blank=True
    )
    topic_other = models.CharField(
        VISIT_TOPICS["topic_other"], max_length=20, choices=TopicWay.choices, blank=True
    )
    topic_note = free_text_field("指導連絡の内容", blank=True)
    concerns = free_text_field("困りごと・意見・要望", blank=True)
    follow_up_department = models.CharField(
        "対応すべき部署", max_length=20, choices=FollowUpDepartment.choices, blank=True
    )
    follow_up_note = free_text_field("対応の内容", blank=True)
    follow_up_done_at = models.DateTimeField("対応済み日時", null=True, blank=True)
    follow_up_done_by = actor_field("対応済みにした職員", optional=True, editable=True)
    night_request = models.ForeignKey(
        NightVisitRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name="夜間巡回連絡の承認",
    )
    on_dedicated_day = models.BooleanField("専従日の巡回連絡", default=False)
    # 要領 第5-3 おおむね: a visit outside the hours (and their tolerance), or at night without
    # approval, is still recorded, with its reason, for the 地域課長等 to acknowledge.
    outside_hours = models.BooleanField("時間外", default=False)
    outside_hours_rule = models.CharField("時間外の内容", max_length=200, blank=True)
    outside_hours_reason = free_text_field("時間外に行った理由", blank=True)
    hours_acknowledged_by = actor_field("時間外を確認した職員", optional=True, editable=True)
    hours_acknowledged_at = models.DateTimeField("時間外の確認日時", null=True, blank=True)
    hours_acknowledgement_note = free_text_field("確認の意見", blank=True)
    recorded_at = models.DateTimeField("記録日時", default=timezone.now, editable=False)

    history = HistoricalRecords()
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "巡回連絡"
        verbose_name_plural = "巡回連絡"
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["card", "-started_at"], name="liaison_visit_card_time"),
            models.Index(fields=["officer", "started_at"], name="liaison_visit_officer_time"),
            # The station's figures and trend read only these columns: an index-only scan.
            models.Index(
                fields=["station", "started_at"],
                include=["night_request", "on_dedicated_day"],
                name="liaison_visit_station_time",
            ),
            models.Index(fields=["book", "started_at"], name="liaison_visit_book_time"),
            models.Index(
                fields=["book", "follow_up_department"],
                condition=Q(follow_up_done_at__isnull=True) & ~Q(follow_up_department=""),
                name="liaison_visit_open_followups",
            ),
            # The 地域課長等's queue of visits outside the hours, not yet acknowledged.
            models.Index(
                fields=["station", "started_at"],
                condition=Q(outside_hours=True, hours_acknowledged_at__isnull=True),
                name="liaison_visit_hours_waiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")),
                name="liaison_visit_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(outside_hours=False) | ~Q(outside_hours_reason=""),
                name="liaison_visit_outside_hours_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(hours_acknowledged_at__isnull=True)
                | (Q(outside_hours=True) & Q(hours_acknowledged_by__isnull=False)),
                name="liaison_visit_acknowledged_outside_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card_id} {dates.datetime_ja(self.started_at)} {self.get_outcome_display()}"

    @property
    def topics(self) -> list[tuple[str, str]]:
        """(topic, what was done) for each topic covered, in the directive's order."""
        ways = dict(TopicWay.choices)
        return [
            (label, ways.get(getattr(self, name), getattr(self, name)))
            for name, label in VISIT_TOPICS.items()
            if getattr(self, name)
        ]

    @property
    def hours_waiting(self) -> bool:
        return self.outside_hours and self.hours_acknowledged_at is None

    @property
    def follow_up_open(self) -> bool:
        return bool(self.follow_up_department) and self.follow_up_done_at is None


class VisitTally(models.Model):
    """The visits of one station, book, officer and Tokyo month, counted (the progress
    figures' rollup). Derived data: liaison.visits.tally keeps it in step with the visits in
    the same transaction and can rebuild it from them (manage.py progress_rollup_rebuild)."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="+", verbose_name="警察署"
    )
    book = models.ForeignKey(
        LiaisonBook, on_delete=models.CASCADE, related_name="+", verbose_name="巡回連絡簿"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="受持警察官",
    )
    # The first day of the Tokyo month of the visits' start.
    month = models.DateField("月")
    visits = models.IntegerField("巡回連絡", default=0)
    night_visits = models.IntegerField("夜間巡回連絡", default=0)
    dedicated_visits = models.IntegerField("専従日の巡回連絡", default=0)
    follow_ups_raised = models.IntegerField("対応を求めた事項", default=0)
    # Of those, not yet done: the pages sum it over every month.
    follow_ups_open = models.IntegerField("未対応の事項", default=0)

    COUNTS = ("visits", "night_visits", "dedicated_visits", "follow_ups_raised", "follow_ups_open")

    class Meta:
        verbose_name = "巡回連絡の集計"
        verbose_name_plural = "巡回連絡の集計"
        constraints = [
            # The upsert's conflict target (tally.py); its leading station column also serves
            # the station pages' and the trend's reads.
            models.UniqueConstraint(
                fields=["station", "book", "officer", "month"],
                name="liaison_visittally_one_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.book_id} {self.officer_id} {self.month:%Y-%m} {self.visits}"
