"""巡回連絡簿 and 巡回連絡カード (要領 第6): one book per beat, one card per household or
business, its members and vehicles, and the validators of their fields. Writes go through
liaison.cards.services and liaison.filing.services."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.inputs import free_text_field, validate_kana
from accounts.models import Beat, Station, User
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
    from liaison.text import banchi_is_valid

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


# The statuses of a card that stands in its book.
BOOK_STATUSES = (CardStatus.FILED, CardStatus.CLOSED)


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
    # Kept by liaison.visits.services.visit_record: the last visit that counts for the cycle, and
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
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

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
            # Which cards of a beat are due, and the worklist's order, from the index alone
            # (planning.selectors.DueRule, planning.worklist): what the rule reads, included.
            models.Index(
                fields=["book", "status"],
                include=[
                    "kind",
                    "last_visit_on",
                    "last_attempt_on",
                    "care_elderly_only",
                    "care_elderly_alone",
                    "care_needs_support",
                    "care_foreign",
                    "care_count",
                    "filed_at",
                    "created_at",
                    "address_key",
                    "station",
                    "id",
                ],
                name="liaison_card_book_due",
            ),
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
        from liaison.text import postal_display

        return postal_display(self.postal_code)

    @property
    def short_address(self) -> str:
        """The address inside the beat: 町字・番地・建物・部屋."""
        tail = " ".join(p for p in (self.building, self.room) if p)
        return f"{self.town}{self.banchi} {tail}".strip()

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
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

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
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "車両"
        verbose_name_plural = "車両"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.plate
