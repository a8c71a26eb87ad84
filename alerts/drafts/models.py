"""配信: an alert from its draft to its hand-over to the sending queue, the steps of its
approval chain as they were laid when it was reported (AlertStep), every decision taken on
it (Decision: who, when, what they saw) and the privacy flags overridden by an approver
(PrivacyOverride)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import Division, DivisionSection, Headquarters, Municipality, Role, Station

from ..categories.models import Category
from ..chain.models import Scope, StepAction


class AlertStatus(models.TextChoices):
    DRAFT = "draft", "作成中"
    IN_REVIEW = "in_review", "承認手続中"
    APPROVED = "approved", "承認済み（発信待ち）"
    SCHEDULED = "scheduled", "配信予約"
    SENDING = "sending", "配信中"
    SENT = "sent", "配信済み"
    CANCELLED = "cancelled", "取りやめ"


class AlertKind(models.TextChoices):
    FIRST = "first", "第1報"
    FOLLOW_UP = "follow_up", "続報"
    CORRECTION = "correction", "訂正"
    ARREST = "arrest", "検挙・指導・警告"


class PlaceKind(models.TextChoices):
    """Seed 003 5⑵イ: the kind of place, never its proper name."""

    ROAD = "road", "道路上"
    PARKING = "parking", "駐車場"
    FACILITY = "facility", "施設内"
    PARK = "park", "公園"
    STATION = "station", "駅・駅周辺"
    RESIDENCE = "residence", "住宅敷地内"
    FIELD = "field", "田畑・空き地"
    OTHER = "other", "その他"


class ConsentBy(models.TextChoices):
    VICTIM = "victim", "被害者本人"
    GUARDIAN = "guardian", "保護者等（被害者が少年）"


class Alert(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="alerts", verbose_name="配信区分"
    )
    kind = models.CharField(
        "報の種類", max_length=20, choices=AlertKind.choices, default=AlertKind.FIRST
    )
    # 続報, corrections and arrest notices link to the first alert (seed 003 5⑷).
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name="第1報",
    )
    status = models.CharField(
        "状態", max_length=20, choices=AlertStatus.choices, default=AlertStatus.DRAFT
    )
    preset = models.CharField("運用方式", max_length=20, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="alerts_written",
        verbose_name="作成者",
    )
    # The author's 所属: a station or an HQ division (exactly one).
    author_station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作成所属（警察署）",
    )
    author_division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作成所属（本部）",
    )
    scope = models.CharField(
        "配信範囲", max_length=20, choices=Scope.choices, default=Scope.STATION
    )
    area_stations = models.ManyToManyField(
        Station, blank=True, related_name="+", verbose_name="配信地域（警察署の管内）"
    )
    area_municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name="配信地域（市町村）"
    )
    title = models.CharField("件名", max_length=60)
    body = models.TextField("本文", max_length=1000)
    # Seed 003 5⑵ア: the place at most to 番地 (街区符号); 5⑵イ its kind, never its name.
    place = models.CharField("発生場所（番地まで）", max_length=100, blank=True)
    place_kind = models.CharField(
        "発生場所の属性", max_length=20, choices=PlaceKind.choices, blank=True
    )
    occurred_at = models.DateTimeField("発生日時", null=True, blank=True)
    advice = models.TextField("対策のポイント", max_length=500, blank=True)
    # Seed 004 5⑵: announced to the press too, and that text beside it for consistency.
    press_announced = models.BooleanField("報道発表する", default=False)
    press_text = models.TextField("報道発表の内容", blank=True)
    press_released_at = models.DateTimeField("報道発表日時", null=True, blank=True)
    # Seed 003 4⑴: a 脅威事犯 is registered first (脅威事犯情報管理業務).
    case_number = models.CharField("事案登録番号", max_length=30, blank=True)
    # Seed 003 6⑵.
    consent_by = models.CharField(
        "配信の承諾者", max_length=20, choices=ConsentBy.choices, blank=True
    )
    consent_on = models.DateField("承諾を確認した日", null=True, blank=True)
    victim_is_minor = models.BooleanField("被害者が少年", default=False)
    publication_request = models.BooleanField(
        "公表要請書の「公表の方法」欄で「県警あんしんメール」にチェックあり", default=False
    )
    # Seed 004 別表: 特異行方不明者の手配 needs the family's consent first.
    is_missing_person = models.BooleanField("特異行方不明者の手配", default=False)
    family_consent_on = models.DateField("家族の了解を得た日", null=True, blank=True)
    # Seed 004 4⑷イ・ウ: 「必要に応じて」 the 運用総括管理者 is consulted; asked for here.
    consult_overall = models.BooleanField("運用総括管理者と協議する", default=False)
    consult_note = models.TextField("事前協議の記録", blank=True)
    # Marked by the last approver: may go outside the sending hours (urgent categories only).
    send_urgently = models.BooleanField("配信時間外でも直ちに配信する", default=False)
    send_at = models.DateTimeField("配信予定日時", null=True, blank=True)
    reported_at = models.DateTimeField("報告日時", null=True, blank=True)
    approved_at = models.DateTimeField("承認日時", null=True, blank=True)
    queued_at = models.DateTimeField("発信操作日時", null=True, blank=True)
    reminded_at = models.DateTimeField("続報の検討を促した日時", null=True, blank=True)
    # The queue's marks: when the fan-out began and when the last delivery was settled.
    sending_started_at = models.DateTimeField("配信開始日時", null=True, blank=True)
    sent_at = models.DateTimeField("配信完了日時", null=True, blank=True)
    # A sent alert taken back (誤配信等): the archive and the feeds say so, with the reason.
    withdrawn_at = models.DateTimeField("取消日時", null=True, blank=True)
    withdrawn_reason = models.CharField("取消の理由", max_length=200, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    # Optimistic lock: a save made on a stale page is refused (accounts.utils.http).
    version = models.PositiveIntegerField("版", default=1)

    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = "配信"
        verbose_name_plural = "配信"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(author_station__isnull=False, author_division__isnull=True)
                | Q(author_station__isnull=True, author_division__isnull=False),
                name="alerts_alert_one_author_unit",
            ),
            # 続報・訂正・検挙等 always name their first alert; a 第1報 names none (seed 003 5⑷).
            models.CheckConstraint(
                condition=Q(kind="first", parent__isnull=True)
                | (~Q(kind="first") & Q(parent__isnull=False)),
                name="alerts_alert_follow_up_has_parent",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="alerts_alert_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def author_unit(self) -> Station | Division:
        return self.author_station or self.author_division  # type: ignore[return-value]


# What the author writes (the rest is set by the steps of the chain).
DRAFT_FIELDS = frozenset(
    {
        "category",
        "scope",
        "title",
        "body",
        "place",
        "place_kind",
        "occurred_at",
        "advice",
        "press_announced",
        "press_text",
        "press_released_at",
        "case_number",
        "consent_by",
        "consent_on",
        "victim_is_minor",
        "publication_request",
        "is_missing_person",
        "family_consent_on",
        "consult_overall",
        "consult_note",
    }
)


class StepStatus(models.TextChoices):
    WAITING = "waiting", "未着"
    PENDING = "pending", "審査中"
    DONE = "done", "済"
    RETURNED = "returned", "差戻し"


class AlertStep(models.Model):
    """One step of an alert's chain, laid when the alert was reported (office-hours
    routing fixed then) and laid again on each resubmission (round)."""

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="steps", verbose_name="配信"
    )
    round = models.PositiveSmallIntegerField("回", default=1)
    order = models.PositiveSmallIntegerField("順序")
    label = models.CharField("段階", max_length=60)
    role = models.CharField("役職", max_length=30, choices=Role.choices)
    action = models.CharField("内容", max_length=20, choices=StepAction.choices)
    station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="警察署",
    )
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="本部の所属",
    )
    section = models.ForeignKey(
        DivisionSection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="係",
    )
    headquarters = models.ForeignKey(
        Headquarters,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="警察本部",
    )
    status = models.CharField(
        "状態", max_length=20, choices=StepStatus.choices, default=StepStatus.WAITING
    )
    arrived_at = models.DateTimeField("到着日時", null=True, blank=True)
    decided_at = models.DateTimeField("決定日時", null=True, blank=True)

    class Meta:
        verbose_name = "承認の段階（配信ごと）"
        verbose_name_plural = "承認の段階（配信ごと）"
        ordering = ["alert", "round", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "round", "order"], name="alerts_alertstep_unique"
            ),
        ]
        indexes = [models.Index(fields=["status", "role"], name="alerts_alertstep_inbox")]

    def __str__(self) -> str:
        return f"{self.alert} {self.order}. {self.label}"


class DecisionAction(models.TextChoices):
    SUBMIT = "submit", "報告（承認申請）"
    APPROVE = "approve", "承認"
    RETURN = "return", "差戻し"
    OVERRIDE = "override", "個人情報の指摘を承認"
    SEND = "send", "発信操作"
    SCHEDULE = "schedule", "配信予約"
    CANCEL = "cancel", "取りやめ"
    WITHDRAW = "withdraw", "配信の取消"


class Decision(models.Model):
    """Who decided what at which step, and what they saw then (title, body and the privacy
    flags shown), so that a later edit cannot change the record of an approval."""

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="decisions", verbose_name="配信"
    )
    step = models.ForeignKey(
        AlertStep,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="段階",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="決定者"
    )
    role = models.CharField("役職", max_length=30, choices=Role.choices, blank=True)
    action = models.CharField("決定", max_length=20, choices=DecisionAction.choices)
    comment = models.TextField("意見", blank=True)
    decided_at = models.DateTimeField("日時")
    seen_title = models.CharField("見た件名", max_length=60)
    seen_body = models.TextField("見た本文")
    seen_flags = models.JSONField("見た指摘", default=list, blank=True)

    class Meta:
        verbose_name = "決定"
        verbose_name_plural = "決定"
        ordering = ["alert", "decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.alert} {self.get_action_display()}"


class PrivacyOverride(models.Model):
    """A privacy flag an approver let stand, with the reason (never the author)."""

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="overrides", verbose_name="配信"
    )
    kind = models.CharField("指摘の種類", max_length=30)
    fragment = models.CharField("指摘された語句", max_length=100)
    reason = models.CharField("理由", max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="承認者"
    )
    created_at = models.DateTimeField("日時", auto_now_add=True)

    class Meta:
        verbose_name = "個人情報の指摘の承認"
        verbose_name_plural = "個人情報の指摘の承認"
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "kind", "fragment"], name="alerts_override_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fragment}（{self.reason}）"
