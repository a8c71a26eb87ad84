"""The HQ audit knows alerts and categories: labels that say whose and which category, never
what an alert says; an alert's changed values only for an auditor who would see the alert in
his work, a category's for every auditor (auditors see events, not contents)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.audit import registry
from accounts.models import Role
from alerts.categories import services as category_services
from alerts.chain.models import Scope
from alerts.drafts import services as alert_services
from tests.html import by_role, text

pytestmark = pytest.mark.django_db

TITLE = "不審者の声かけ"


@pytest.fixture
def alert(alert_world):
    category = alert_world.categories[next(iter(alert_world.categories))]
    draft = alert_services.alert_create(
        actor=alert_world.alert_author,
        category=category,
        scope=Scope.STATION,
        title=TITLE,
        body="下校中の児童が声をかけられました。",
        area_stations=[alert_world.station_a],
    )
    return alert_services.alert_update(
        actor=alert_world.alert_author,
        alert=draft,
        version=draft.version,
        place="中央市中央町1丁目",
        place_kind="road",
    )


def history_lines(client, key: str, pk: int) -> list[str]:
    page = client.get(reverse("accounts:audit_history_object", args=[key, pk]))
    assert page.status_code == 200
    table = by_role(page, "region", "変更履歴")
    return [text(item) for item in table.find_all("li")]


def test_the_labels_name_the_unit_and_category_not_the_text(alert_world, alert):
    kind = registry.kind("alerts.alert")
    assert kind is not None and kind.describe is not None
    label = kind.describe([str(alert.pk)])[str(alert.pk)]
    assert label == f"配信 No.{alert.pk}（中央警察署、{alert.category.name}）"
    assert TITLE not in label
    category = registry.kind("alerts.category")
    assert category is not None and category.describe is not None
    assert category.describe([str(alert.category_id)]) == {
        str(alert.category_id): f"配信区分「{alert.category.name}」"
    }


def test_an_auditor_sees_which_fields_of_an_alert_changed_not_to_what(alert_world, login, alert):
    lines = history_lines(login(alert_world.auditor), "alert", alert.pk)
    assert "発生場所（番地まで）" in lines
    assert all("：" not in line for line in lines), lines
    assert not any(TITLE in line or "中央町" in line for line in lines)


def test_an_auditor_who_works_the_alert_sees_its_values(alert_world, login, alert):
    account_services.appointment_start(
        actor=None,
        user=alert_world.auditor,
        role=Role.ALERT_REVIEWER,
        unit=alert_world.station_a,
        starts_on=timezone.localdate() - dt.timedelta(days=1),
    )
    lines = history_lines(login(alert_world.auditor), "alert", alert.pk)
    assert f"件名：{TITLE}" in lines
    assert "発生場所（番地まで）：（なし） → 中央市中央町1丁目" in lines
    assert "発生場所の属性：（なし） → 道路上" in lines


def test_an_alert_of_another_station_stays_hidden_from_its_desk(alert_world, login, alert):
    """The desk of station B does not see station A's alert; as an auditor, neither its values."""
    account_services.appointment_start(
        actor=None,
        user=alert_world.auditor,
        role=Role.ALERT_REVIEWER,
        unit=alert_world.station_b,
        starts_on=timezone.localdate() - dt.timedelta(days=1),
    )
    lines = history_lines(login(alert_world.auditor), "alert", alert.pk)
    assert all("：" not in line for line in lines), lines


def test_every_auditor_sees_a_categorys_values(alert_world, login):
    category = alert_world.categories[next(iter(alert_world.categories))]
    category_services.category_update(
        actor=alert_world.alert_hq_approver,
        category=category,
        version=category.version,
        excludes="職員募集案内",
        reason="通達の改正",
    )
    lines = history_lines(login(alert_world.auditor), "category", category.pk)
    assert "配信しないもの：（なし） → 職員募集案内" in lines
    assert f"配信区分：{category.name}" in lines  # the creation
    assert not any(line.startswith("区分コード") for line in lines)


def test_the_change_history_lists_alerts_and_categories(alert_world, login, alert):
    page = login(alert_world.auditor).get(reverse("accounts:audit_history_list"))
    assert page.status_code == 200
    shown = text(page)
    assert f"配信 No.{alert.pk}" in shown
    assert "配信区分 No." in shown
    assert TITLE not in shown
