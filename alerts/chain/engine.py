"""The approval engine: turns the chain rows of the preset in force (alerts.chain.presets,
settings.ALERTS_PRESET) into the steps of one alert's round, each a desk (a role at a unit,
accounts.permissions.Desk) that whoever holds it then may act at.

Where a step lands is fixed when the alert is reported: a kagoshima report made at 17:20
goes to the category's off-hours desk (総合当直 or another 係, seed 003 4) and stays there,
even if the office opens before anyone acts. A resubmission after a return lays a new round
and routes it again at that time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max

from accounts.exceptions import DomainError
from accounts.models import Division, DivisionSection, Headquarters, Station
from accounts.permissions import Desk

from .. import hours
from ..categories.models import Category, OffHoursRoute
from ..drafts.models import Alert, AlertStep, StepStatus
from .models import ChainStep, StepAction, StepUnit, StepWhen


@dataclass(frozen=True)
class Place:
    """Where a step is held: one of station, division (with its 係) or HQ."""

    station: Station | None = None
    division: Division | None = None
    section: DivisionSection | None = None
    headquarters: Headquarters | None = None


def chain_rows(alert: Alert) -> list[ChainStep]:
    """The preset's rows for the alert's scope: the category's own rows if HQ has laid any
    for it, else the general ones."""
    rows = ChainStep.objects.filter(preset=settings.ALERTS_PRESET, scope=alert.scope)
    own = list(rows.filter(category=alert.category).order_by("order"))
    return own or list(rows.filter(category__isnull=True).order_by("order"))


def applies(row: ChainStep, alert: Alert) -> bool:
    """Whether a row's `when` holds for this alert."""
    category = alert.category
    if row.when == StepWhen.FROM_STATION:
        return alert.author_station_id is not None
    if row.when == StepWhen.CONSULT:
        return category.needs_overall_consult or alert.consult_overall
    if row.when == StepWhen.OTHER_DIVISION:
        return category.division.code != settings.ALERTS_OPERATOR_DIVISION
    return True


def _headquarters(alert: Alert) -> Headquarters:
    unit = alert.author_station or alert.author_division
    assert unit is not None  # noqa: S101 (a database constraint: one author unit)
    return unit.headquarters


def _division(alert: Alert, **lookup: str) -> Division:
    division = Division.objects.filter(headquarters=_headquarters(alert), **lookup).first()
    if division is None:
        raise DomainError(
            "承認の段階を置く本部の所属が見つかりません。運用総括管理者に連絡してください。"
        )
    return division


def category_desk(category: Category, alert: Alert, *, now: dt.datetime) -> Place:
    """Seed 003 4: in 執務時間 the category's division and 係; outside them its off-hours
    route (the same 係, another 係 of the division, or the 総合当直)."""
    if hours.is_office_hours(now) or category.off_hours_route == OffHoursRoute.SAME:
        return Place(division=category.division, section=category.section)
    if category.off_hours_route == OffHoursRoute.SECTION:
        return Place(
            division=category.division, section=category.off_hours_section or category.section
        )
    return Place(division=_division(alert, kind=Division.Kind.DUTY_DESK))


def place_of(row: ChainStep, alert: Alert, *, now: dt.datetime) -> Place:
    category = alert.category
    if row.unit == StepUnit.AUTHOR:
        return Place(station=alert.author_station, division=alert.author_division)
    if row.unit == StepUnit.CATEGORY_DIVISION:
        return Place(division=category.division, section=category.section)
    if row.unit == StepUnit.CATEGORY_DESK:
        return category_desk(category, alert, now=now)
    if row.unit == StepUnit.OPERATOR_DIVISION:
        return Place(division=_division(alert, code=settings.ALERTS_OPERATOR_DIVISION))
    if row.unit == StepUnit.HEADQUARTERS:
        return Place(headquarters=_headquarters(alert))
    raise ValueError(f"unknown step unit {row.unit!r}")


def lay_steps(alert: Alert, *, now: dt.datetime) -> list[AlertStep]:
    """Write the steps of a new round (the highest so far + 1): the first PENDING and
    arrived now, the rest WAITING. A step whose desk nobody holds today is laid all the
    same: its inbox is empty, and `selectors.step_holders` says so on the alert's page."""
    rows = [row for row in chain_rows(alert) if applies(row, alert)]
    if not rows or rows[-1].action != StepAction.SEND:
        raise DomainError(
            "この配信区分・配信範囲の承認の段階が設定されていません。運用総括管理者に連絡してください。"
        )
    latest = AlertStep.objects.filter(alert=alert).aggregate(latest=Max("round"))["latest"]
    round_ = (latest or 0) + 1
    steps = []
    for order, row in enumerate(rows, start=1):
        place = place_of(row, alert, now=now)
        first = order == 1
        steps.append(
            AlertStep(
                alert=alert,
                round=round_,
                order=order,
                label=row.label,
                role=row.role,
                action=row.action,
                station=place.station,
                division=place.division,
                section=place.section,
                headquarters=place.headquarters,
                status=StepStatus.PENDING if first else StepStatus.WAITING,
                arrived_at=now if first else None,
            )
        )
    return AlertStep.objects.bulk_create(steps)


def desk_of(step: AlertStep) -> Desk:
    """The desk a step waits at (its 係 is shown, not asked: the division's people hold it)."""
    return Desk(
        step.role,
        station_id=step.station_id,
        division_id=step.division_id,
        headquarters_id=step.headquarters_id,
    )
