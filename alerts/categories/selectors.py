"""Reads of the categories (配信区分) and of the approval chain in force, for those who hold an
alert desk; the edit page's read model (the category, the divisions to choose from, its
history in words) for the 運用総括管理者.

`category_rules(category)` is the one reading of a category's rules in Japanese: the list
page shows it, and the drafting and sending pages may show the same (the sender confirms
the rules 「配信毎に」, seed 004 別表)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Model, Prefetch, QuerySet

from accounts.audit.changes import display
from accounts.exceptions import OutOfScope
from accounts.models import Division, DivisionSection, User
from accounts.utils.history import KINDS, field_changes, who

from ..chain.models import ChainStep, Scope
from ..chain.presets import PRESET_LABELS
from . import policy
from .models import Category, OffHoursRoute

CATEGORY = "alerts.category"

# The records a category needs before approval, and its other duties, by their labels
# (the model's verbose names are the words of the seeds).
RECORD_FLAGS = (
    "needs_case_number",
    "needs_victim_consent",
    "needs_publication_request",
    "needs_family_consent",
    "arrest_needs_press_release",
    "needs_overall_consult",
)


@dataclass(frozen=True)
class CategoryRules:
    category: Category
    desk: str  # 所管 and 係: 「生活安全企画課 子供・女性の安全対策係」
    off_hours: str  # where a report goes outside office hours
    urgent: bool
    immediate: bool
    records: list[str]
    follow_up: bool


def _labels(flags: tuple[str, ...], category: Category) -> list[str]:
    return [
        str(getattr(Category._meta.get_field(name), "verbose_name", name))
        for name in flags
        if getattr(category, name)
    ]


def category_rules(category: Category) -> CategoryRules:
    """A category's rules as the seeds word them (needs division, section and off-hours
    section loaded: category_list selects them)."""
    desk = category.division.name
    if category.section is not None:
        desk = f"{desk} {category.section.name}"
    if category.off_hours_route == OffHoursRoute.DUTY_DESK:
        off_hours = "警察本部総合当直"
    elif category.off_hours_route == OffHoursRoute.SECTION and category.off_hours_section:
        off_hours = f"{category.division.name} {category.off_hours_section.name}"
    else:
        off_hours = f"執務時間内と同じ（{desk}）"
    return CategoryRules(
        category=category,
        desk=desk,
        off_hours=off_hours,
        urgent=category.is_urgent,
        immediate=category.is_immediate,
        records=_labels(RECORD_FLAGS, category),
        follow_up=category.reminds_follow_up,
    )


def category_list(*, user: User) -> QuerySet[Category]:
    """Every category, in use first, in HQ's order; for those who hold an alert desk."""
    if not policy.may_read(user):
        return Category.objects.none()
    return Category.objects.select_related("division", "section", "off_hours_section").order_by(
        "-is_active", "order", "code"
    )


def category_rules_list(*, user: User) -> list[CategoryRules]:
    """The list page's read model: one query."""
    return [category_rules(c) for c in category_list(user=user)]


def category_get(*, user: User, pk: int) -> Category:
    """A category the user keeps (運用総括管理者 of its headquarters); else a 404."""
    kept = policy.kept_headquarters(user)
    found = (
        Category.objects.select_related("division", "section", "off_hours_section")
        .filter(pk=pk, division__headquarters_id__in=kept)
        .first()
    )
    if found is None:
        raise OutOfScope(CATEGORY, str(pk))
    return found


def division_choices(*, user: User) -> list[Division]:
    """The divisions (not the duty desk) of the headquarters the user keeps, each with its
    係 (`sections`): what a category may name as 所管 and 係. Two queries."""
    return list(
        Division.objects.filter(
            headquarters_id__in=policy.kept_headquarters(user), kind=Division.Kind.DIVISION
        )
        .prefetch_related(Prefetch("sections", queryset=DivisionSection.objects.order_by("pk")))
        .order_by("pk")
    )


# --- History --------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str  # 氏名（職員番号）, or システム
    reason: str
    kind: str  # 作成 / 変更
    changes: list[FieldChange] = field(default_factory=list)


def _history_fields() -> list:
    """The columns a change may name; not the code, which never changes after creation and
    heads the edit page."""
    history = Category.history.model
    return [
        f
        for f in history._meta.concrete_fields
        if f.name not in ("id", "code") and not f.name.startswith("history_")
    ]


def category_history(*, category: Category) -> list[HistoryEntry]:
    """Who changed what when, newest first, every value in Japanese (choices by label, the
    division and 係 by name, Tokyo time). Three queries however long the history."""
    records = list(
        Category.history.filter(id=category.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    fields = _history_fields()
    raw = []
    previous = None
    for record in records:
        raw.append((record, field_changes(previous, record, fields)))
        previous = record
    wanted: dict[type[Model], set[int]] = {Division: set(), DivisionSection: set()}
    for _record, changes in raw:
        for f, before, after in changes:
            related = f.remote_field.model if f.many_to_one and f.remote_field else None
            if related in wanted:
                wanted[related].update(v for v in (before, after) if v is not None)
    names: dict[tuple[type[Model], int], str] = {}
    for pk, name in Division.objects.filter(pk__in=wanted[Division]).values_list("pk", "name"):
        names[(Division, pk)] = name
    sections = DivisionSection.objects.filter(pk__in=wanted[DivisionSection]).values_list(
        "pk", "name"
    )
    for pk, name in sections:
        names[(DivisionSection, pk)] = name
    entries = []
    for record, changes in raw:
        if record.history_type == "~" and not changes and not record.history_change_reason:
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=who(record),
                reason=record.history_change_reason or "",
                kind=KINDS.get(record.history_type, record.history_type),
                changes=[
                    FieldChange(
                        label=str(f.verbose_name),
                        old=display(Category, f, before, names),
                        new=display(Category, f, after, names),
                    )
                    for f, before, after in changes
                ],
            )
        )
    entries.reverse()
    return entries


# --- The chain in force ---------------------------------------------------------------------
@dataclass(frozen=True)
class ChainScope:
    scope: str
    label: str
    steps: list[ChainStep]


@dataclass(frozen=True)
class ChainOverride:
    """A category's own steps (HQ's), which replace the general ones for it."""

    category: Category
    scopes: list[ChainScope]


@dataclass(frozen=True)
class ChainPage:
    preset: str
    label: str
    scopes: list[ChainScope]
    overrides: list[ChainOverride]


def _by_scope(rows: list[ChainStep]) -> list[ChainScope]:
    return [
        ChainScope(scope, str(label), steps)
        for scope, label in Scope.choices
        if (steps := [r for r in rows if r.scope == scope])
    ]


def chain_page(*, user: User, preset: str | None = None) -> ChainPage:
    """The steps of the preset in force (settings.ALERTS_PRESET), per scope, read from the
    ChainStep rows the engine reads; a category's own rows apart. One query."""
    policy.read_require(user)
    preset = preset or settings.ALERTS_PRESET
    rows = list(
        ChainStep.objects.filter(preset=preset)
        .select_related("category")
        .order_by("category__order", "category_id", "scope", "order")
    )
    general = [r for r in rows if r.category_id is None]
    by_category: dict[int, list[ChainStep]] = {}
    for row in rows:
        if row.category_id is not None:
            by_category.setdefault(row.category_id, []).append(row)
    overrides = [
        ChainOverride(category=steps[0].category, scopes=_by_scope(steps))  # type: ignore[arg-type]
        for steps in by_category.values()
    ]
    return ChainPage(
        preset=preset,
        label=PRESET_LABELS.get(preset, preset),
        scopes=_by_scope(general),
        overrides=overrides,
    )
