"""Writes on planning: the visit-frequency policy, 専従日 and monthly plans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import Beat, Headquarters, Station, User
from accounts.utils.history import history_save
from liaison.planning.models import DedicatedDay, MonthlyPlan, VisitPolicy
from liaison.visits.models import Visit
from liaison.visits.tally import TallyChange


# --- 実施頻度・専従日・計画 ---------------------------------------------------------------------
@transaction.atomic
def visit_policy_set(
    *, actor: User, headquarters: Headquarters, reason: str, **values: Any
) -> VisitPolicy:
    """The 地域部長 sets the cycles (要領 第5-2); the previous values stay in the policy's
    history."""
    if not permissions.has_perm(actor, "set_visit_policy", headquarters):
        raise PermissionDenied("巡回連絡の実施頻度を設定できるのは地域部長です（要領第5-2）。")
    if not reason.strip():
        raise ValidationError({"reason": "変更の理由を入力してください。"})
    policy = VisitPolicy.objects.select_for_update().filter(headquarters=headquarters).first()
    policy = policy or VisitPolicy(headquarters=headquarters)
    for name, value in values.items():
        setattr(policy, name, value)
    if not policy.kinds:
        raise ValidationError(
            {"count_households": "対象とするカードの種類を1つ以上選んでください。"}
        )
    for field in VisitPolicy.CARE_CYCLES.values():
        days = getattr(policy, field)
        if days and days > policy.default_cycle_days:
            raise ValidationError({field: "要配意の周期は通常の周期以下にしてください。"})
    policy.reason = reason.strip()
    policy.changed_by = actor
    policy.changed_at = timezone.now()
    history_save(policy, actor=actor, reason=policy.reason)
    return policy


def _station_officer_check(actor: User, station: Station, officer: User, perm: str) -> None:
    if not permissions.has_perm(actor, perm, station):
        raise PermissionDenied("この警察署でこの操作を行う権限がありません。")
    beats = permissions.beats_for(officer, "record_visits").filter(post__station=station)
    if not beats.exists():
        raise ValidationError({"officer": "この警察署の受持警察官を選んでください。"})
    _remit_check(actor, station, beats)


def _remit_check(actor: User, station: Station, officer_beats: QuerySet[Beat]) -> None:
    """要領 第3-2(4): a 地域課長等 acts for his own 地域課's officers (an officer who holds
    no beat of the station now is nobody's in particular)."""
    if (
        officer_beats.exists()
        and not officer_beats.filter(
            pk__in=permissions.remit_beats(actor, station).values("pk")
        ).exists()
    ):
        raise PermissionDenied(
            "この受持警察官はあなたの担当する交番・駐在所の警察官ではありません。"
        )


def _visits_mark_dedicated(actor: User, officer_id: int, date: dt.date, *, on: bool) -> None:
    """The officer's visits of that day count as on a 専従日 (or no longer): each change is
    a history row of its visit, with who made it (a plain UPDATE would leave none)."""
    # Locked: the rollup's dedicated count moves by exactly the rows this call flips.
    visits = list(
        Visit.objects.select_for_update()
        .filter(officer_id=officer_id, started_at__date=date)
        .exclude(on_dedicated_day=on)
    )
    tally = TallyChange()
    for visit in visits:
        tally.remove(visit)
        visit.on_dedicated_day = on
        tally.add(visit)
    bulk_update_with_history(
        visits,
        Visit,
        ["on_dedicated_day"],
        default_user=actor,
        default_change_reason="専従日の指定" if on else "専従日の取消し",
    )
    tally.save()


@transaction.atomic
def dedicated_day_set(
    *, actor: User, station: Station, officer: User, date: dt.date
) -> DedicatedDay:
    _station_officer_check(actor, station, officer, "set_dedicated_days")
    day, created = DedicatedDay.objects.get_or_create(
        officer=officer, date=date, defaults={"station": station, "set_by": actor}
    )
    if not created:
        raise ValidationError({"date": "この日はすでに専従日です。"})
    _visits_mark_dedicated(actor, officer.pk, date, on=True)
    return day


@transaction.atomic
def dedicated_day_remove(*, actor: User, day: DedicatedDay) -> None:
    if not permissions.has_perm(actor, "set_dedicated_days", Station(pk=day.station_id)):
        raise PermissionDenied("専従日を設定する権限がありません。")
    _remit_check(
        actor,
        Station(pk=day.station_id),
        permissions.beats_for(day.officer, "record_visits").filter(post__station=day.station_id),
    )
    day.delete()
    # The rollup's write last (liaison.visits.tally).
    _visits_mark_dedicated(actor, day.officer_id, day.date, on=False)


@transaction.atomic
def monthly_plan_set(
    *,
    actor: User,
    station: Station,
    officer: User,
    month: dt.date,
    planned_households: int,
    areas: str = "",
    note: str = "",
) -> MonthlyPlan:
    """The officer's plan for the month: by himself, or by the 地域課長等 of the station."""
    if actor.pk == officer.pk:
        beats = permissions.beats_for(actor, "record_visits").filter(post__station=station)
        if not beats.exists():
            raise PermissionDenied("この警察署の受持区がありません。")
    else:
        _station_officer_check(actor, station, officer, "review_progress")
    month = month.replace(day=1)
    plan = MonthlyPlan.objects.select_for_update().filter(officer=officer, month=month).first()
    plan = plan or MonthlyPlan(officer=officer, month=month, station=station)
    plan.planned_households = planned_households
    plan.areas = areas.strip()
    plan.note = note.strip()
    plan.set_by = actor
    plan.updated_at = timezone.now()
    plan.full_clean()
    plan._history_user = actor
    plan.save()
    return plan
