"""巡回連絡簿 and 巡回連絡カード (要領 第6): one book per beat, one card per household or
business, its members and vehicles. Writes go through liaison.services."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts import dates
from accounts.inputs import free_text_field, validate_kana
from accounts.models import Beat, BeatAssignment, Headquarters, Station
from accounts.prefectures import PREFECTURE_CHOICES

postal_code_validator = RegexValidator(
    r"^[0-9]{7}$", "郵便番号は7桁の数字で入力してください（例：310-0852）。"
)


def validate_phone_digits(value: str) -> None:
    """0 then 9 or 10 more digits, written with hyphens, brackets or spaces as people do."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if not set(value) <= set("0123456789-()  ") or not (
        digits.startswith("0") and len(digits) in (10, 11)
    ):
        raise ValidationError(
            "電話番号は0から始まる10桁または11桁で入力してください（例：029-123-4567）。"
        )


def validate_banchi(value: str) -> None:
    from .text import banchi_is_valid

    if value and not banchi_is_valid(value):
        raise ValidationError(
            "番地は「1-2-3」「1番地2」「一丁目2番3号」のように数字で入力してください。"
        )


def validate_not_future(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError("未来の日付は入力できません。")


class LiaisonBook(models.Model):
    """巡回連絡簿: the filed cards of one beat. Its key is the beat's, so that the beats a
    user may view (guardian grants on Beat) are the books he may view, with no join."""

    beat = models.OneToOneField(
        Beat,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="book",
        verbose_name="受持区",
    )
    created_at = models.DateTimeField("作成日時", default=timezone.now)

    class Meta:
        verbose_name = "巡回連絡簿"
        verbose_name_plural = "巡回連絡簿"

    def __str__(self) -> str:
        return f"{self.beat} 巡回連絡簿"


class CardKind(models.TextChoices):
    HOUSEHOLD = "household", "世帯"
    APARTMENT = "apartment", "集合住宅"
    BUSINESS = "business", "事業所・官公署"


class CardStatus(models.TextChoices):
    DRAFT = "draft", "下書き"
    SUBMITTED = "submitted", "提出済み（編てつ待ち）"
    FILED = "filed", "編てつ済み"
    CLOSED = "closed", "廃止"


class ResidenceType(models.TextChoices):
    OWNED_HOUSE = "owned_house", "持家（一戸建）"
    OWNED_FLAT = "owned_flat", "持家（分譲マンション等）"
    RENTED_HOUSE = "rented_house", "借家"
    RENTED_FLAT = "rented_flat", "賃貸アパート・マンション"
    COMPANY = "company", "社宅・寮・官舎"
    OTHER = "other", "その他"


class MadeBy(models.TextChoices):
    """要領 第6-2(1)ア: the resident fills it in, or the officer asks and writes."""

    REQUEST = "request", "記入依頼"
    INTERVIEW = "interview", "聴取"


class CloseReason(models.TextChoices):
    MOVED = "moved", "転出"
    CLOSED = "closed", "廃業・閉鎖"
    DEMOLISHED = "demolished", "建物の取壊し"
    DUPLICATE = "duplicate", "重複して作成"
    OTHER = "other", "その他"


# Items a resident may decline (回答拒否). Declining is recorded apart from leaving an item
# empty: the book shows which cards are incomplete and why.
CARD_OPTIONAL_FIELDS: dict[str, str] = {
    "phone": "電話番号",
    "residence_type": "居住形態",
    "moved_in_on": "入居年月",
    "emergency_name": "緊急連絡先",
    "business_representative": "代表者",
    "business_trade": "業種",
    "business_staff": "従業員数",
    "business_hours": "営業時間",
    "business_holidays": "休業日",
    "concerns": "困りごと・意見・要望",
}
MEMBER_OPTIONAL_FIELDS: dict[str, str] = {
    "kana": "フリガナ",
    "relationship": "続柄",
    "birth_date": "生年月日",
    "occupation": "職業・学校",
    "workplace": "勤務先・通学先",
    "phone": "連絡先",
}
# Which optional items each kind of card asks for; the others are not shown.
HOUSEHOLD_ITEMS = ("phone", "residence_type", "moved_in_on", "emergency_name", "concerns")
BUSINESS_ITEMS = (
    "phone",
    "emergency_name",
    "business_representative",
    "business_trade",
    "business_staff",
    "business_hours",
    "business_holidays",
    "concerns",
)
APARTMENT_ITEMS = ("phone", "emergency_name", "concerns")


class LiaisonCard(models.Model):
    """巡回連絡カード: a household, an apartment building (its units are household cards
    under it) or a business. Never deleted: a card that ends is closed."""

    kind = models.CharField("種別", max_length=20, choices=CardKind.choices)
    status = models.CharField(
        "状態", max_length=20, choices=CardStatus.choices, default=CardStatus.DRAFT
    )
    # The station is fixed at creation: break-the-glass and the submitted-card queue are
    # per station, and a card made by other staff has no book until it is filed.
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="cards", verbose_name="警察署"
    )
    book = models.ForeignKey(
        LiaisonBook,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cards",
        verbose_name="巡回連絡簿",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name="集合住宅",
    )
    # A submitted card's beat as its address says (the beats' areas, 要領 第6-2(1)イ): the
    # 地域課長等 over that beat sees it preselected. Bookkeeping kept by the services (and
    # recomputed when an area changes), so it stays out of the card's history.
    proposed_book = models.ForeignKey(
        LiaisonBook,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="住所から推定した受持区",
        editable=False,
    )
    # Optimistic locking: the editor's version must still be current when he saves.
    version = models.PositiveIntegerField("版", default=1)

    # Address
    postal_code = models.CharField(
        "郵便番号", max_length=7, blank=True, validators=[postal_code_validator]
    )
    prefecture = models.CharField("都道府県", max_length=10, blank=True, choices=PREFECTURE_CHOICES)
    city = models.CharField("市区町村", max_length=40, blank=True)
    town = models.CharField("町字", max_length=60, blank=True)
    banchi = models.CharField("番地", max_length=40, blank=True, validators=[validate_banchi])
    building = models.CharField("建物名", max_length=80, blank=True)
    room = models.CharField("部屋番号", max_length=20, blank=True)
    phone = models.CharField(
        "電話番号", max_length=20, blank=True, validators=[validate_phone_digits]
    )
    residence_type = models.CharField(
        "居住形態", max_length=20, choices=ResidenceType.choices, blank=True
    )
    moved_in_on = models.DateField(
        "入居年月日", null=True, blank=True, validators=[validate_not_future]
    )

    # Emergency contact (household and business alike)
    emergency_name = models.CharField("緊急連絡先（氏名）", max_length=60, blank=True)
    emergency_relation = models.CharField("緊急連絡先（続柄・関係）", max_length=30, blank=True)
    emergency_phone = models.CharField(
        "緊急連絡先（電話）", max_length=20, blank=True, validators=[validate_phone_digits]
    )

    # Business or office
    business_name = models.CharField("事業所名", max_length=100, blank=True)
    business_name_kana = models.CharField(
        "事業所名（フリガナ）", max_length=100, blank=True, validators=[validate_kana]
    )
    business_representative = models.CharField("代表者", max_length=60, blank=True)
    business_trade = models.CharField("業種", max_length=60, blank=True)
    business_staff = models.PositiveIntegerField(
        "従業員数", null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    business_hours = models.CharField("営業時間", max_length=60, blank=True)
    business_holidays = models.CharField("休業日", max_length=60, blank=True)

    # Points that call for care; they set visit priority later (要領 第5-2).
    care_elderly_only = models.BooleanField("高齢者のみの世帯", default=False)
    care_elderly_alone = models.BooleanField("一人暮らしの高齢者", default=False)
    care_needs_support = models.BooleanField("要支援者がいる", default=False)
    care_foreign = models.BooleanField("外国人世帯", default=False)
    care_language = models.CharField("使用言語", max_length=30, blank=True)

    concerns = free_text_field("困りごと・意見・要望", blank=True)
    made_by = models.CharField(
        "作成方法", max_length=20, choices=MadeBy.choices, default=MadeBy.INTERVIEW
    )
    sensitive = models.BooleanField(
        "取扱注意", default=False, help_text="閲覧が監査で特に確認されます。"
    )

    # 回答拒否: item names from CARD_OPTIONAL_FIELDS that the resident declined.
    declined = models.JSONField("回答拒否の項目", default=list, blank=True)
    # Kept by the services: what the book lists without opening members.
    missing = models.JSONField("未記入の項目", default=list, blank=True, editable=False)
    declined_summary = models.JSONField(
        "回答拒否の項目（世帯員を含む）", default=list, blank=True, editable=False
    )
    head_name = models.CharField("世帯主・事業所名", max_length=100, blank=True, editable=False)
    head_kana = models.CharField("フリガナ（索引）", max_length=100, blank=True, editable=False)
    member_count = models.PositiveIntegerField("人数", default=0, editable=False)
    care_count = models.PositiveSmallIntegerField("要配意事項の数", default=0, editable=False)
    address_key = models.CharField("所在地順の索引", max_length=300, blank=True, editable=False)
    search_names = models.TextField("氏名検索用の文字列", blank=True, editable=False)
    search_phones = models.CharField(
        "電話番号検索用の文字列", max_length=300, blank=True, editable=False
    )
    # Kept by liaison.services.visit_record: the last visit that counts for the cycle, and
    # the last attempt of any outcome (a 不在 today drops the card from today's worklist).
    last_visit_on = models.DateField("最終巡回連絡日", null=True, blank=True, editable=False)
    last_attempt_on = models.DateField("最終訪問日", null=True, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cards_created",
        verbose_name="作成者",
    )
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    assigned_at = models.DateTimeField("受持区の指定日時", null=True, blank=True)
    filed_at = models.DateTimeField("編てつ日時", null=True, blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    closed_on = models.DateField("廃止日", null=True, blank=True)
    close_reason = models.CharField(
        "廃止理由", max_length=20, choices=CloseReason.choices, blank=True
    )
    close_note = models.CharField("廃止の詳細", max_length=200, blank=True)

    history = HistoricalRecords(
        excluded_fields=[
            "search_names",
            "search_phones",
            "address_key",
            "last_visit_on",
            "last_attempt_on",
            "proposed_book",
        ]
    )

    class Meta:
        verbose_name = "巡回連絡カード"
        verbose_name_plural = "巡回連絡カード"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["filed", "closed"]) | Q(book__isnull=False),
                name="liaison_card_filed_in_a_book",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_on__isnull=False) & ~Q(close_reason="")),
                name="liaison_card_closed_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(kind="household"),
                name="liaison_card_units_are_households",
            ),
        ]
        indexes = [
            # The book in address order (the paper book's 地番索引).
            models.Index(fields=["book", "address_key"], name="liaison_card_book_address"),
            # The book in 50音 order (the 氏名索引).
            models.Index(fields=["book", "head_kana"], name="liaison_card_book_kana"),
            # The 地域課長's queue of submitted cards.
            models.Index(fields=["station", "status"], name="liaison_card_station_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.head_name or '（未記入）'}"

    @property
    def address(self) -> str:
        parts = [self.prefecture, self.city, self.town, self.banchi]
        text = "".join(p for p in parts if p)
        tail = " ".join(p for p in (self.building, self.room) if p)
        return f"{text} {tail}".strip()

    @property
    def postal_display(self) -> str:
        """〒310-0852, as every page and print writes it."""
        from .text import postal_display

        return postal_display(self.postal_code)

    @property
    def short_address(self) -> str:
        """The address inside the beat: 町字・番地・建物・部屋."""
        tail = " ".join(p for p in (self.building, self.room) if p)
        return f"{self.town}{self.banchi} {tail}".strip()

    @property
    def is_open(self) -> bool:
        return self.status != CardStatus.CLOSED

    @property
    def care_points(self) -> list[str]:
        labels = []
        for name in ("care_elderly_only", "care_elderly_alone", "care_needs_support"):
            if getattr(self, name):
                labels.append(self._meta.get_field(name).verbose_name)
        if self.care_foreign:
            language = f"（{self.care_language}）" if self.care_language else ""
            labels.append(f"外国人世帯{language}")
        return labels

    def declined_labels(self) -> list[str]:
        return [
            CARD_OPTIONAL_FIELDS.get(n, MEMBER_OPTIONAL_FIELDS.get(n, n)) for n in self.declined
        ]


class Relationship(models.TextChoices):
    HEAD = "head", "世帯主"
    SPOUSE = "spouse", "配偶者"
    CHILD = "child", "子"
    PARENT = "parent", "父母"
    GRANDPARENT = "grandparent", "祖父母"
    GRANDCHILD = "grandchild", "孫"
    SIBLING = "sibling", "兄弟姉妹"
    IN_LAW = "in_law", "子の配偶者"
    LODGER = "lodger", "同居人"
    OTHER = "other", "その他"


class CardMember(models.Model):
    """世帯員: a person living at a household card's address."""

    card = models.ForeignKey(
        LiaisonCard, on_delete=models.CASCADE, related_name="members", verbose_name="カード"
    )
    position = models.PositiveSmallIntegerField("順", default=0)
    name = models.CharField("氏名", max_length=60)
    kana = models.CharField("フリガナ", max_length=60, blank=True, validators=[validate_kana])
    relationship = models.CharField("続柄", max_length=20, choices=Relationship.choices, blank=True)
    birth_date = models.DateField(
        "生年月日", null=True, blank=True, validators=[validate_not_future]
    )
    occupation = models.CharField("職業・学校", max_length=60, blank=True)
    workplace = models.CharField("勤務先・通学先", max_length=100, blank=True)
    phone = models.CharField(
        "連絡先", max_length=20, blank=True, validators=[validate_phone_digits]
    )
    declined = models.JSONField("回答拒否の項目", default=list, blank=True)

    # The card version this row was last written in: a stale editor's refusal names the
    # members and vehicles changed since the version he opened.
    card_version = models.PositiveIntegerField("カードの版", default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "世帯員"
        verbose_name_plural = "世帯員"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class CardVehicle(models.Model):
    """A vehicle kept at the address (車名・色・登録番号), as the paper card lists it."""

    card = models.ForeignKey(
        LiaisonCard, on_delete=models.CASCADE, related_name="vehicles", verbose_name="カード"
    )
    kind = models.CharField("種類", max_length=20, blank=True)
    maker_model = models.CharField("車名", max_length=40, blank=True)
    color = models.CharField("色", max_length=20, blank=True)
    plate = models.CharField("登録番号", max_length=30)
    card_version = models.PositiveIntegerField("カードの版", default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "車両"
        verbose_name_plural = "車両"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.plate


class BreakGlassPurpose(models.TextChoices):
    MISSING_PERSON = "missing_person", "迷子・行方不明者（高齢者等）の保護"
    DISASTER = "disaster", "災害時の安否確認"
    INQUIRY = "inquiry", "他部門からの照会"
    EMERGENCY = "emergency", "その他の緊急事案"


class BreakGlassAccess(models.Model):
    """緊急閲覧: an officer of the station opened a card outside his scope, for a stated
    purpose, for a short time. Append-only; audit reads it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="break_glass_accesses",
        verbose_name="職員",
    )
    card = models.ForeignKey(
        LiaisonCard,
        on_delete=models.PROTECT,
        related_name="break_glass_accesses",
        verbose_name="カード",
    )
    purpose = models.CharField("目的", max_length=30, choices=BreakGlassPurpose.choices)
    reason = free_text_field("理由")
    granted_at = models.DateTimeField("開始日時", default=timezone.now)
    expires_at = models.DateTimeField("期限")

    class Meta:
        verbose_name = "緊急閲覧"
        verbose_name_plural = "緊急閲覧"
        ordering = ["-granted_at"]
        indexes = [
            # card_list: the cards a user holds an unexpired grant for.
            models.Index(fields=["user", "expires_at"], name="liaison_bga_user_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.card_id}（{self.get_purpose_display()}）"


# --- 巡回連絡 (要領 第5): visits, night-visit approval, frequency, plans, takeover ------------


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


class NightVisitRequest(models.Model):
    """夜間巡回連絡の承認 (要領 第5-3): asked by the officer, decided by the 地域課長等."""

    class Status(models.TextChoices):
        PENDING = "pending", "承認待ち"
        APPROVED = "approved", "承認"
        REJECTED = "rejected", "不承認"
        WITHDRAWN = "withdrawn", "取下げ"

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="night_visit_requests",
        verbose_name="受持警察官",
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="+", verbose_name="警察署"
    )
    date = models.DateField("実施日")
    planned_start = models.TimeField("開始予定")
    planned_end = models.TimeField("終了予定")
    beats = models.ManyToManyField(Beat, related_name="+", verbose_name="受持区", blank=True)
    reason = free_text_field("理由")
    status = models.CharField(
        "状態", max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    requested_at = models.DateTimeField("申請日時", default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="決裁者",
        editable=False,
    )
    decided_at = models.DateTimeField("決裁日時", null=True, blank=True, editable=False)
    decision_comment = free_text_field("決裁の意見", blank=True, editable=False)
    withdrawn_at = models.DateTimeField("取下げ日時", null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[beats])

    class Meta:
        verbose_name = "夜間巡回連絡の承認申請"
        verbose_name_plural = "夜間巡回連絡の承認申請"
        ordering = ["-date", "-requested_at"]
        indexes = [
            models.Index(fields=["officer", "date", "status"], name="liaison_nvr_officer_date"),
            models.Index(fields=["station", "status", "date"], name="liaison_nvr_station_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("planned_start")),
                name="liaison_nightvisitrequest_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "withdrawn"])
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="liaison_nightvisitrequest_decision_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} {dates.date_ja(self.date)}（{self.get_status_display()}）"


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
    # without a join. They follow the card: liaison.services.card_move moves them with it,
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
    follow_up_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="対応済みにした職員",
    )
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
    hours_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="時間外を確認した職員",
    )
    hours_acknowledged_at = models.DateTimeField("時間外の確認日時", null=True, blank=True)
    hours_acknowledgement_note = free_text_field("確認の意見", blank=True)
    recorded_at = models.DateTimeField("記録日時", default=timezone.now, editable=False)

    history = HistoricalRecords()

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
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="変更者",
        editable=False,
    )
    changed_at = models.DateTimeField("変更日時", default=timezone.now, editable=False)

    history = HistoricalRecords()

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
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="設定者",
        editable=False,
    )
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


class StationInstruction(models.Model):
    """署長指示 (要領 第5-1): 「警察署長が特に指示した場合を除き」 every household and business
    of a beat is visited. The 署長 excludes cards or areas from that, or adds cards or areas the
    frequency policy leaves out, for a period and with a reason. The worklist and the progress
    figures follow the instructions in force and say which apply."""

    class Action(models.TextChoices):
        EXCLUDE = "exclude", "対象から除く"
        INCLUDE = "include", "対象に加える"

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="+", verbose_name="警察署"
    )
    action = models.CharField("指示", max_length=10, choices=Action.choices)
    cards = models.ManyToManyField(LiaisonCard, related_name="+", blank=True, verbose_name="カード")
    # 町字, or 町字 and 丁目, as written on the cards (「千波町」「千波町一丁目」).
    areas = models.JSONField("地域（町字・丁目）", default=list, blank=True)
    reason = free_text_field("理由")
    starts_on = models.DateField("開始日")
    ends_on = models.DateField("終了日")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="指示した署長",
        editable=False,
    )
    issued_at = models.DateTimeField("指示日時", default=timezone.now, editable=False)
    # Ended before its end date: in force no more, kept for the record.
    ended_at = models.DateTimeField("終了日時", null=True, blank=True, editable=False)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="終了した職員",
        editable=False,
    )

    history = HistoricalRecords(m2m_fields=[cards])

    class Meta:
        verbose_name = "署長指示（巡回連絡の対象）"
        verbose_name_plural = "署長指示（巡回連絡の対象）"
        ordering = ["-starts_on", "-pk"]
        indexes = [
            # due_rule: the instructions of a station in force on a day.
            models.Index(fields=["station", "ends_on"], name="liaison_instruction_in_force"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="liaison_stationinstruction_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_by__isnull=False),
                name="liaison_stationinstruction_ended_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.get_action_display()} {self.starts_on:%Y-%m-%d}〜"

    def in_force(self, day) -> bool:
        return self.ended_at is None and self.starts_on <= day <= self.ends_on


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
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="作成者",
        editable=False,
    )
    updated_at = models.DateTimeField("更新日時", default=timezone.now, editable=False)

    history = HistoricalRecords()

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


class Takeover(models.Model):
    """引継ぎ (要領 第5-5): the new officer of a beat has read what his predecessor did."""

    assignment = models.OneToOneField(
        BeatAssignment,
        on_delete=models.PROTECT,
        related_name="takeover",
        verbose_name="受持警察官の指定",
    )
    predecessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="前任者",
    )
    coverage_percent = models.DecimalField("引継ぎ時の実施率（%）", max_digits=5, decimal_places=1)
    overdue_count = models.PositiveIntegerField("引継ぎ時の期限超過")
    open_follow_ups = models.PositiveIntegerField("引継ぎ時の未対応")
    note = free_text_field("所見", blank=True)
    confirmed_at = models.DateTimeField("確認日時", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "受持区の引継ぎ確認"
        verbose_name_plural = "受持区の引継ぎ確認"
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return f"{self.assignment}（{dates.date_ja(self.confirmed_at)}確認）"


# --- 管内: the beats' areas (要領 第6-2(1)イ) ------------------------------------------------


class BeatArea(models.Model):
    """One town (町字), or one 丁目 of it, inside a beat: the beats' areas together are the
    station's 管内. Other staff may make cards only for residents whose address lies in it,
    and a submitted card's address proposes its beat. Kept by the 地域課長等 or HQ."""

    beat = models.ForeignKey(
        Beat, on_delete=models.CASCADE, related_name="areas", verbose_name="受持区"
    )
    town = models.CharField("町字", max_length=60)
    chome = models.PositiveSmallIntegerField(
        "丁目", null=True, blank=True, help_text="空欄なら町字の全域"
    )
    # The town as addresses are compared (liaison.areas.town_key), kept by the service.
    town_key = models.CharField("町字（照合用）", max_length=60, editable=False)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="設定者",
        editable=False,
    )
    set_at = models.DateTimeField("設定日時", default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "受持区の区域"
        verbose_name_plural = "受持区の区域"
        ordering = ["beat_id", "town_key", "chome"]
        constraints = [
            # A town, or one 丁目 of it, once per beat (NULL, the whole town, apart).
            models.UniqueConstraint(
                fields=["beat", "town_key", "chome"],
                condition=Q(chome__isnull=False),
                name="liaison_beatarea_unique_chome",
            ),
            models.UniqueConstraint(
                fields=["beat", "town_key"],
                condition=Q(chome__isnull=True),
                name="liaison_beatarea_unique_town",
            ),
        ]
        indexes = [
            # liaison.areas.beat_for_address: the station's areas of one town.
            models.Index(fields=["town_key", "beat"], name="liaison_beatarea_town"),
        ]

    def __str__(self) -> str:
        return f"{self.town}{self.chome}丁目" if self.chome else self.town


# --- 手交 (要領 第6-2(1)ア) --------------------------------------------------------------------


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
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="回収・断念した職員",
        editable=False,
    )
    give_up_reason = free_text_field("断念の理由", blank=True)
    created_at = models.DateTimeField("記録日時", default=timezone.now, editable=False)

    history = HistoricalRecords()

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


# --- 指導・評価 (要領 第3-2(4)) -------------------------------------------------------------------


class OfficerNote(models.Model):
    """具体的な指導 by the 地域課長等, 評価・賞揚 by the 署長, of one beat officer, written on his
    period page; he reads them on his own. Append-only: a later note follows an earlier one."""

    class Kind(models.TextChoices):
        GUIDANCE = "guidance", "具体的な指導"
        EVALUATION = "evaluation", "評価"
        COMMENDATION = "commendation", "賞揚"

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="+", verbose_name="警察署"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="officer_notes",
        verbose_name="受持警察官",
    )
    kind = models.CharField("種別", max_length=20, choices=Kind.choices)
    body = free_text_field("内容")
    period_from = models.DateField("対象期間（から）", null=True, blank=True)
    period_to = models.DateField("対象期間（まで）", null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="記録者",
        editable=False,
    )
    written_at = models.DateTimeField("記録日時", default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "指導・評価の記録"
        verbose_name_plural = "指導・評価の記録"
        ordering = ["-written_at", "-pk"]
        indexes = [
            # The officer's page: his notes at the station, newest first.
            models.Index(fields=["officer", "station", "-written_at"], name="liaison_note_officer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_from__isnull=True)
                | Q(period_to__isnull=True)
                | Q(period_to__gte=models.F("period_from")),
                name="liaison_officernote_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} {self.get_kind_display()}（{dates.date_ja(self.written_at)}）"
