"""配信区分: the categories of あんしんメール with their rules (seed 003 3, seed 004 別表),
kept by HQ. Each carries the HQ division in charge and its 係, where a report goes outside
office hours, whether it may go outside the sending hours, the records it needs before
approval, and what it excludes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import Division, DivisionSection, User


class OffHoursRoute(models.TextChoices):
    """Seed 003 4: where a station's report goes outside office hours."""

    SAME = "same", "執務時間内と同じ係"
    SECTION = "section", "別の係（執務時間外の報告先）"
    DUTY_DESK = "duty_desk", "警察本部総合当直"


class Category(models.Model):
    code = models.SlugField("区分コード", max_length=30, unique=True)
    name = models.CharField("配信区分", max_length=40)
    # 不審者情報 has kinds (つきまとい, 声かけ, 露出, 強制わいせつ類似): shown to the author.
    kinds = models.CharField("事案の種別", max_length=200, blank=True)
    definition = models.TextField("定義・配信内容", blank=True)
    excludes = models.TextField("配信しないもの", blank=True)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="alert_categories", verbose_name="所管"
    )
    section = models.ForeignKey(
        DivisionSection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="担当係",
    )
    off_hours_route = models.CharField(
        "執務時間外の報告先",
        max_length=20,
        choices=OffHoursRoute.choices,
        default=OffHoursRoute.SAME,
    )
    off_hours_section = models.ForeignKey(
        DivisionSection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="執務時間外の報告先の係",
    )
    is_urgent = models.BooleanField(
        "緊急（配信時間外も配信可）",
        default=False,
        help_text="配信時間（7時〜20時）外でも最終承認者の判断で配信できます。",
    )
    is_immediate = models.BooleanField(
        "直ちに報告",
        default=False,
        help_text="凶悪事案等逃走事案など。各受信箱の先頭に表示します。",
    )
    needs_case_number = models.BooleanField("事案登録番号が必要", default=False)
    needs_victim_consent = models.BooleanField("被害者（少年は保護者）の承諾が必要", default=False)
    needs_publication_request = models.BooleanField(
        "公表要請書（「県警あんしんメール」にチェック）が必要", default=False
    )
    needs_family_consent = models.BooleanField("家族の了解が必要（特異行方不明者）", default=False)
    arrest_needs_press_release = models.BooleanField("検挙情報は報道発表後に限る", default=False)
    needs_overall_consult = models.BooleanField("運用総括管理者との事前協議が必要", default=False)
    reminds_follow_up = models.BooleanField("続報の検討を作成者に促す", default=False)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    is_active = models.BooleanField("使用中", default=True)
    # Optimistic lock: a save made on a stale edit page is refused (alerts.categories.services).
    version = models.PositiveIntegerField("版", default=1)

    # The version is bookkeeping, not a rule HQ changed: not a line of the history.
    history = HistoricalRecords(excluded_fields=["version"])
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "配信区分"
        verbose_name_plural = "配信区分"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The 係 belong to the division in charge (所管), and a report goes outside office
        hours to a 係 only when the route says so (seed 003 4⑴)."""
        errors: dict[str, str] = {}
        division = self.division if self.division_id else None
        if division is not None and division.kind != Division.Kind.DIVISION:
            errors["division"] = "所管は本部の所属（生活安全企画課など）を選んでください。"
        if division is not None and self.section_id and self.section.division_id != division.pk:
            errors["section"] = f"担当係は所管（{division.name}）の係を選んでください。"
        if self.off_hours_route == OffHoursRoute.SECTION:
            if not self.off_hours_section_id:
                errors["off_hours_section"] = (
                    "執務時間外の報告先が「別の係」のときは、報告先の係を選んでください。"
                )
            elif division is not None and self.off_hours_section.division_id != division.pk:
                errors["off_hours_section"] = (
                    f"執務時間外の報告先の係は所管（{division.name}）の係を選んでください。"
                )
            elif self.off_hours_section_id == self.section_id:
                errors["off_hours_section"] = (
                    "執務時間外の報告先が担当係と同じです。「執務時間内と同じ係」を選んでください。"
                )
        elif self.off_hours_section_id:
            errors["off_hours_section"] = (
                "報告先の係は、執務時間外の報告先が「別の係」のときだけ選んでください。"
            )
        if errors:
            raise ValidationError(errors)
