"""Writes on the categories (配信区分), kept by the 運用総括管理者: a new category and an edit
with a version check. Keyword-only, the acting user first, one transaction each; every save
leaves a history row with who and why (simple-history), which the edit page and the HQ
audit show."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.exceptions import StaleEditError
from accounts.models import User
from accounts.utils.history import history_save

from . import policy
from .models import Category

# What HQ may change on a category; the code is its key (presets, subscribers' links) and
# never changes once made.
EDITABLE = (
    "name",
    "kinds",
    "definition",
    "excludes",
    "division",
    "section",
    "off_hours_route",
    "off_hours_section",
    "is_urgent",
    "is_immediate",
    "needs_case_number",
    "needs_victim_consent",
    "needs_publication_request",
    "needs_family_consent",
    "arrest_needs_press_release",
    "needs_overall_consult",
    "reminds_follow_up",
    "order",
    "is_active",
)
_TEXT = ("name", "kinds", "definition", "excludes")


def _set(category: Category, values: dict[str, Any]) -> None:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"category: not editable: {sorted(unknown)}")
    for name, value in values.items():
        setattr(category, name, value.strip() if name in _TEXT else value)


def _name_free(category: Category) -> None:
    same = Category.objects.filter(name=category.name).exclude(pk=category.pk)
    if category.name and same.exists():
        raise ValidationError(
            {"name": f"「{category.name}」という配信区分がすでにあります。別の名称にしてください。"}
        )


@transaction.atomic
def category_create(*, actor: User, code: str, reason: str = "", **values: Any) -> Category:
    """A new category in a division of the actor's headquarters."""
    division = values.get("division")
    policy.keep_require(actor, division.headquarters_id if division is not None else None)
    code = code.strip()
    if Category.objects.filter(code=code).exists():
        raise ValidationError({"code": f"区分コード「{code}」はすでに使われています。"})
    category = Category(code=code)
    _set(category, values)
    _name_free(category)
    history_save(category, actor=actor, reason=reason.strip() or "配信区分の作成")
    return category


@transaction.atomic
def category_update(
    *, actor: User, category: Category, version: int, reason: str = "", **values: Any
) -> Category:
    """An edit by the 運用総括管理者; refused when someone saved the category after the editor
    opened it (the version he read is not the current one). Alerts already reported keep
    the steps laid for them; the change applies to what is reported from now on."""
    fresh = Category.objects.select_for_update().select_related("division").get(pk=category.pk)
    policy.keep_require(actor, fresh.division.headquarters_id)
    division = values.get("division")
    if division is not None:
        policy.keep_require(actor, division.headquarters_id)
    if fresh.version != version:
        raise StaleEditError(
            "この配信区分は、開いた後に他の職員が変更しました。入力内容は残してあります。"
            "下の変更履歴で最新の内容を確認してから、もう一度保存してください。"
        )
    _set(fresh, values)
    _name_free(fresh)
    fresh.version += 1
    history_save(fresh, actor=actor, reason=reason.strip() or "配信区分の変更")
    return fresh
