"""What the HQ audit (accounts.audit) may know of あんしんメール: the change history of alerts and
of categories, and labels for both that say where and which category, never what an alert
says. An auditor sees an alert's values only where he would see the alert in his work (the
drafts' own rule of who sees an alert), as the network shows a member's values only to those
who read his station's roster: auditors see events, not contents. A category
holds nobody's personal data: its values are shown to every auditor. Registered from
AlertsConfig.ready()."""

from __future__ import annotations

from typing import Any

from accounts.audit.registry import AuditedKind, HistorySource, register_history, register_kind
from accounts.inputs import parse_ids

from .categories.models import Category
from .drafts.models import Alert
from .drafts.selectors import alerts_visible

ALERT = "alerts.alert"
CATEGORY = "alerts.category"


def alert_labels(ids: list[str]) -> dict[str, str]:
    """「配信 No.12（水戸中央警察署、不審者情報）」: whose and which category, not what it says."""
    rows = Alert.objects.filter(pk__in=parse_ids(ids)).values_list(
        "pk", "author_station__name", "author_division__name", "category__name"
    )
    return {
        str(pk): f"配信 No.{pk}（{station or division}、{category}）"
        for pk, station, division, category in rows
    }


def category_labels(ids: list[str]) -> dict[str, str]:
    rows = Category.objects.filter(pk__in=parse_ids(ids)).values_list("pk", "name")
    return {str(pk): f"配信区分「{name}」" for pk, name in rows}


def alert_values_visible(user: Any, ids: list[int]) -> set[int]:
    """An alert's values for those who see the alert in their work (its author, the desks
    at its author's unit and at its steps, the 運用総括管理者: alerts.drafts.selectors); an
    auditor who is none of these sees which fields changed, not to what."""
    visible = alerts_visible(user).filter(pk__in=ids).order_by()
    return set(visible.values_list("pk", flat=True))


def category_values_visible(user: Any, ids: list[int]) -> set[int]:
    """A category's rules are nobody's personal data: auditors see its values."""
    return set(ids)


def register() -> None:
    register_kind(AuditedKind(object_type=ALERT, label="配信", describe=alert_labels))
    register_kind(AuditedKind(object_type=CATEGORY, label="配信区分", describe=category_labels))
    register_history(
        HistorySource(
            key="alert",
            label="配信",
            model=Alert,
            object_type=ALERT,
            values_visible=alert_values_visible,
            hidden_fields=frozenset({"created_at", "preset"}),
        )
    )
    register_history(
        HistorySource(
            key="category",
            label="配信区分",
            model=Category,
            object_type=CATEGORY,
            values_visible=category_values_visible,
            # Its key, never changed, ASCII by nature: the label names the category.
            hidden_fields=frozenset({"code"}),
        )
    )
