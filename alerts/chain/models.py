"""The approval chain as data: per preset, scope and (optionally) category, an ordered list
of steps, each a role at a unit. The presets of seeds 003 (kagoshima) and 004 (gunma) are
rows loaded from alerts.chain.presets; settings.ALERTS_PRESET chooses which one runs."""

from __future__ import annotations

from django.db import models

from accounts.models import Role

from ..categories.models import Category


class Scope(models.TextChoices):
    STATION = "station", "一つの警察署の管内"
    STATIONS = "stations", "複数の警察署の管内"
    PREFECTURE = "prefecture", "県内全域"


class StepUnit(models.TextChoices):
    """Where a step's role is held."""

    AUTHOR = "author", "作成者の所属"
    CATEGORY_DIVISION = "category_division", "区分の所管課"
    # Seed 003 4: in office hours the category's 係, outside them its off-hours route.
    CATEGORY_DESK = "category_desk", "区分の報告先（執務時間外は総合当直など）"
    OPERATOR_DIVISION = "operator_division", "発信操作担当の所属（生活安全企画課）"
    HEADQUARTERS = "headquarters", "警察本部（運用総括管理者）"


class StepAction(models.TextChoices):
    APPROVE = "approve", "承認"
    SEND = "send", "発信"


class StepWhen(models.TextChoices):
    ALWAYS = "always", "常に"
    CONSULT = "consult", "運用総括管理者と協議する場合のみ"
    FROM_STATION = "from_station", "作成者が警察署の場合のみ"
    # Seed 003 5⑴イ: the 生活安全企画課長 and the division in charge consult each other.
    OTHER_DIVISION = "other_division", "所管課が発信操作担当の所属以外の場合のみ"


class ChainStep(models.Model):
    preset = models.CharField("運用方式", max_length=20)
    scope = models.CharField("配信範囲", max_length=20, choices=Scope.choices)
    # Empty: every category of the preset and scope (a category's own rows win).
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, verbose_name="配信区分"
    )
    order = models.PositiveSmallIntegerField("順序")
    label = models.CharField("段階", max_length=60)
    role = models.CharField("役職", max_length=30, choices=Role.choices)
    unit = models.CharField("所属", max_length=30, choices=StepUnit.choices)
    action = models.CharField("内容", max_length=20, choices=StepAction.choices)
    when = models.CharField(
        "適用", max_length=20, choices=StepWhen.choices, default=StepWhen.ALWAYS
    )

    class Meta:
        verbose_name = "承認の段階"
        verbose_name_plural = "承認の段階"
        ordering = ["preset", "scope", "category", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["preset", "scope", "category", "order"],
                name="alerts_chainstep_unique_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.preset} {self.get_scope_display()} {self.order}. {self.label}"
