"""The chain in force, as those who hold an alert desk read it: the preset settings.ALERTS_PRESET
names and its steps per scope, read from the ChainStep rows the engine reads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from alerts.chain import presets
from alerts.chain.models import ChainStep, Scope, StepAction, StepUnit
from tests.alerts.conftest import build_alert_world
from tests.html import by_role, rows, text

pytestmark = pytest.mark.django_db

CHAIN = reverse("alerts:chain")


def steps_of(page, scope_label: str) -> list[list[str]]:
    region = by_role(page, "region", f"{scope_label}の承認の段階")
    return rows(region)[1:]


def test_the_kagoshima_chain_reads_as_seed_003(world, login, use_preset):
    use_preset("kagoshima")
    alert_world = build_alert_world(world, "kagoshima")
    page = login(alert_world.alert_author).get(CHAIN)
    assert page.status_code == 200
    assert "鹿児島方式（本部の担当者が発信）" in text(page)
    station = steps_of(page, "一つの警察署の管内")
    assert [r[1] for r in station] == [
        "署長の判断",
        "本部担当係の審査",
        "生活安全企画課長との協議",
        "発信操作",
    ]
    assert station[0] == [
        "1",
        "署長の判断",
        "運用管理者",
        "作成者の所属",
        "承認",
        "作成者が警察署の場合のみ",
    ]
    assert station[3][2:5] == ["発信操作担当者", "発信操作担当の所属（生活安全企画課）", "発信"]


def test_the_gunma_chain_shows_every_scope(world, login, use_preset):
    use_preset("gunma")
    alert_world = build_alert_world(world, "gunma")
    page = login(alert_world.seian_sender).get(CHAIN)
    assert "群馬方式（各所属が発信）" in text(page)
    own = steps_of(page, "一つの警察署の管内")
    assert [r[1] for r in own] == [
        "運用責任者の確認",
        "運用管理者の承認",
        "運用総括管理者との協議",
        "発信操作",
    ]
    assert own[2][5] == "運用総括管理者と協議する場合のみ"
    prefecture = steps_of(page, "県内全域")
    assert prefecture[-1][1:4] == ["本部所管課の発信操作", "発信操作担当者", "区分の所管課"]
    assert len(steps_of(page, "複数の警察署の管内")) == 5


def test_the_page_reads_the_rows_as_hq_left_them(alert_world, login, settings):
    """The rows, not the preset's code: HQ's change (admin) and a category's own rows show."""
    preset = settings.ALERTS_PRESET
    step = ChainStep.objects.get(preset=preset, scope=Scope.STATION, category=None, order=1)
    step.label = "副署長の確認（変更後）"
    step.save()
    category = alert_world.categories[next(iter(alert_world.categories))]
    ChainStep.objects.create(
        preset=preset,
        scope=Scope.PREFECTURE,
        category=category,
        order=1,
        label="区分ごとの承認",
        role=Role.ALERT_APPROVER,
        unit=StepUnit.CATEGORY_DIVISION,
        action=StepAction.APPROVE,
    )
    page = login(alert_world.duty_officer).get(CHAIN)
    assert steps_of(page, "一つの警察署の管内")[0][1] == "副署長の確認（変更後）"
    own = rows(by_role(page, "region", f"{category.name}の承認の段階"))[1:]
    assert own == [["1", "区分ごとの承認", "運用管理者", "区分の所管課", "承認", "常に"]]


def test_the_other_presets_rows_are_not_shown(alert_world, login, settings):
    other = "kagoshima" if settings.ALERTS_PRESET == "gunma" else "gunma"
    ChainStep.objects.filter(preset=settings.ALERTS_PRESET).delete()
    presets.load(other)
    page = login(alert_world.alert_hq_approver).get(CHAIN)
    assert "この運用方式の承認の段階が登録されていません。" in text(page)
