"""Progress figures (要領 第5): per station, per beat, per officer and for HQ, month bounds,
the trend of visits, and overdue cards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import Station, User
from accounts.utils import dates
from liaison.cards.models import LiaisonBook, LiaisonCard
from liaison.cards.selectors import card_list
from liaison.planning.models import MonthlyPlan, VisitPolicy
from liaison.planning.selectors import (
    DueRule,
    card_due_count,
    due_card_list,
    due_rule_get,
    review_station_get,
    review_station_list,
    station_due_rule_get,
    station_officer_list,
)
from liaison.visits.models import Visit, VisitOutcome, VisitTally


@dataclass
class Progress:
    """The figures of the 計画・実施結果報告 for one beat, officer, station or period."""

    to_visit: int = 0
    visited: int = 0
    # 期限超過: due before today (selectors.DueRule). 要訪問 (due) is to_visit - visited.
    overdue: int = 0
    visits: int = 0
    night_visits: int = 0
    dedicated_visits: int = 0
    follow_ups_open: int = 0
    # Follow-ups raised on the period's visits (done or not): what an evaluation counts.
    follow_ups_raised: int = 0
    planned: int | None = None

    @property
    def due(self) -> int:
        return self.to_visit - self.visited

    @property
    def coverage(self) -> Decimal:
        if not self.to_visit:
            return Decimal("0.0")
        return (Decimal(self.visited) * 100 / self.to_visit).quantize(Decimal("0.1"))

    def add(self, other: Progress) -> None:
        for name in (
            "to_visit",
            "visited",
            "overdue",
            "visits",
            "night_visits",
            "dedicated_visits",
            "follow_ups_raised",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.follow_ups_open += other.follow_ups_open
        if other.planned is not None:
            self.planned = (self.planned or 0) + other.planned


def _visit_figures(visits: QuerySet[Visit], start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """The figures of any period, counted from the visits (one officer's, for 評価の参考);
    the monthly pages read the rollup (_tally_figures)."""
    in_period = Q(started_at__gte=start, started_at__lt=end)
    aggregates = {
        "visits": Count("pk", filter=in_period),
        "night_visits": Count("pk", filter=in_period & Q(night_request__isnull=False)),
        "dedicated_visits": Count("pk", filter=in_period & Q(on_dedicated_day=True)),
        "follow_ups_raised": Count("pk", filter=in_period & ~Q(follow_up_department="")),
        "follow_ups_open": Count(
            "pk", filter=Q(follow_up_done_at__isnull=True) & ~Q(follow_up_department="")
        ),
    }
    # Only the rows that matter: the period's visits and any open follow-up.
    visits = visits.filter(
        in_period | (Q(follow_up_done_at__isnull=True) & ~Q(follow_up_department=""))
    )
    return visits.aggregate(**aggregates)


MONTH_COUNTS = ("visits", "night_visits", "dedicated_visits", "follow_ups_raised")


def _tally_figures(
    tallies: QuerySet[VisitTally], month: dt.date, *group: str
) -> list[dict[str, Any]]:
    """The month's figures and the follow-ups still open (of any month), grouped, from the
    rollup (liaison.visits.tally): a few rows per beat and officer, not every visit."""
    in_month = Q(month=month.replace(day=1))
    aggregates: dict[str, Sum] = {name: Sum(name, filter=in_month) for name in MONTH_COUNTS}
    aggregates["follow_ups_open"] = Sum("follow_ups_open")
    return list(
        tallies.filter(in_month | ~Q(follow_ups_open=0))
        .order_by()
        .values(*group)
        .annotate(**aggregates)
    )


def _summed(rows: list[dict[str, Any]], group: str) -> dict[Any, dict[str, int]]:
    """Rows grouped finer (beat and officer) summed by one of their columns."""
    sums: dict[Any, dict[str, int]] = {}
    for row in rows:
        into = sums.setdefault(row[group], dict.fromkeys((*MONTH_COUNTS, "follow_ups_open"), 0))
        for name in into:
            into[name] += row[name] or 0
    return sums


def _progress(cards: dict | None, visits: dict | None) -> Progress:
    cards, visits = cards or {}, visits or {}
    return Progress(
        to_visit=cards.get("to_visit") or 0,
        visited=cards.get("visited") or 0,
        overdue=cards.get("overdue") or 0,
        visits=visits.get("visits") or 0,
        night_visits=visits.get("night_visits") or 0,
        dedicated_visits=visits.get("dedicated_visits") or 0,
        follow_ups_open=visits.get("follow_ups_open") or 0,
        follow_ups_raised=visits.get("follow_ups_raised") or 0,
    )


@dataclass
class StationProgress:
    station: Station
    rule: DueRule
    month: dt.date
    total: Progress
    beats: list[tuple[Any, Progress]]
    officers: list[tuple[User, Progress]]
    # The month's plans by officer id (areas and who set it too, for the page).
    plans: dict[int, MonthlyPlan]

    @property
    def policy(self) -> VisitPolicy:
        return self.rule.policy


def station_progress_get(
    *, station: Station, month: dt.date, today: dt.date, user: User | None = None
) -> StationProgress:
    """Per beat and per officer, for the month: a fixed number of grouped queries whatever
    the number of cards, visits, beats or officers. Given the user, only the beats of his
    remit (a 地域課長等 of one 地域課: its posts' beats) and their officers."""
    from accounts.models import Beat, BeatAssignment

    rule = station_due_rule_get(station=station, today=today)
    beats_in = (
        permissions.remit_beats(user, station)
        if user is not None
        else Beat.objects.filter(post__station=station)
    )
    beats = list(beats_in.select_related("post").order_by("post__name", "name"))
    remit = {beat.pk for beat in beats}
    cards = card_due_count(
        cards=LiaisonCard.objects.filter(station=station), rule=rule, group="book_id"
    )
    # One read of the rollup, per beat and officer, gives both tables' visit figures.
    tallied = _tally_figures(
        VisitTally.objects.filter(station=station), month, "book_id", "officer_id"
    )
    visits = _summed(tallied, "book_id")
    beat_rows = [(beat, _progress(cards.get(beat.pk), visits.get(beat.pk))) for beat in beats]
    total = Progress()
    for _, progress in beat_rows:
        total.add(progress)

    # Officers: the cards of their current beats, the visits they made.
    assignments = list(
        BeatAssignment.objects.filter(
            beat__post__station=station, granted_at__isnull=False, revoked_at__isnull=True
        )
        .select_related("officer")
        .order_by("officer__employee_number", "beat_id")
    )
    by_officer_visits = _summed(tallied, "officer_id")
    plans = {
        plan.officer_id: plan
        for plan in MonthlyPlan.objects.filter(
            station=station, month=month.replace(day=1)
        ).select_related("set_by")
    }
    officers: dict[int, tuple[User, Progress]] = {}
    for assignment in assignments:
        if assignment.beat_id not in remit:
            continue
        officer = assignment.officer
        if officer.pk not in officers:
            progress = _progress(None, by_officer_visits.get(officer.pk))
            plan = plans.get(officer.pk)
            progress.planned = plan.planned_households if plan is not None else None
            officers[officer.pk] = (officer, progress)
        beat_cards = cards.get(assignment.beat_id) or {}
        for name in ("to_visit", "visited", "overdue"):
            setattr(
                officers[officer.pk][1],
                name,
                getattr(officers[officer.pk][1], name) + (beat_cards.get(name) or 0),
            )
    return StationProgress(
        station=station,
        rule=rule,
        month=month.replace(day=1),
        total=total,
        beats=beat_rows,
        officers=list(officers.values()),
        plans=plans,
    )


def hq_progress_get(
    *, user: User, month: dt.date, today: dt.date
) -> list[tuple[Station, Progress]]:
    """The same figures per station, for HQ and the home panel: grouped by station in two
    queries (and the rule's two or three), over the beats of the user's remit only (a
    地域課長等 of one 地域課 counts his posts' beats; the subquery costs HQ no extra round
    trip)."""
    stations = list(review_station_list(user=user).select_related("headquarters"))
    if not stations:
        return []
    ids = [s.pk for s in stations]
    rule = due_rule_get(headquarters_id=stations[0].headquarters_id, station_ids=ids, today=today)
    remit = permissions.remit_beats(user).values("pk")
    cards = card_due_count(
        cards=LiaisonCard.objects.filter(station_id__in=ids, book_id__in=remit),
        rule=rule,
        group="station_id",
    )
    tallied = _tally_figures(
        VisitTally.objects.filter(station_id__in=ids, book_id__in=remit), month, "station_id"
    )
    visits = {row["station_id"]: row for row in tallied}
    return [(s, _progress(cards.get(s.pk), visits.get(s.pk))) for s in stations]


def visit_trend_get(
    *, station_ids: list[int], months: int, today: dt.date
) -> list[tuple[dt.date, int, int]]:
    """(month, visits, night visits) for the last `months` months, oldest first; months
    without visits appear with zeros."""
    first = today.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        starts.insert(0, (starts[0] - dt.timedelta(days=1)).replace(day=1))
    # From the rollup: its rows are already per Tokyo month.
    rows = (
        VisitTally.objects.filter(
            station_id__in=station_ids, month__gte=starts[0], month__lte=first
        )
        .order_by()
        .values("month")
        .annotate(visits=Sum("visits"), night_visits=Sum("night_visits"))
    )
    found = {row["month"]: (row["visits"] or 0, row["night_visits"] or 0) for row in rows}
    return [(m, *found.get(m, (0, 0))) for m in starts]


def overdue_card_list(*, user: User, book: LiaisonBook, rule: DueRule) -> QuerySet[LiaisonCard]:
    """Drill-down: the book's overdue cards (期限超過, as the figures count them), the
    oldest last visit first (never visited first of all)."""
    return due_card_list(
        cards=card_list(user=user).filter(book=book), rule=rule, overdue_only=True
    ).order_by(F("last_visit_on").asc(nulls_first=True), "address_key", "pk")


def officer_figures_get(
    *, officer: User, station: Station, start: dt.date, end: dt.date
) -> tuple[Progress, list[tuple[dt.date, int, int]]]:
    """評価の参考: an officer's visits over a period (total, night, dedicated, follow-ups
    opened) and per month."""
    lo, hi = dates.period_bounds(start, end)
    visits = Visit.objects.filter(officer=officer, station=station)
    totals = _visit_figures(visits, lo, hi)
    progress = _progress(None, totals)
    months = (
        visits.filter(started_at__gte=lo, started_at__lt=hi)
        .annotate(month=TruncMonth("started_at"))
        .order_by("month")
        .values("month")
        .annotate(visits=Count("pk"), met=Count("pk", filter=Q(outcome=VisitOutcome.MET)))
    )
    rows = []
    for row in months:
        month = row["month"]
        # TruncMonth gives Tokyo midnight (the current time zone); its date is Tokyo's.
        key = dates.local_date(month)
        rows.append((key.replace(day=1), row["visits"], row["met"]))
    return progress, rows


# --- 月間計画 ------------------------------------------------------------------------------------
@dataclass
class PlanScope:
    station: Station
    officers: list[User]  # the rows shown
    editable: list[User]  # whose plan the user may set
    station_officer_ids: set[int]  # every current beat officer of the station
    reviewer: bool  # reviews the station's progress (else: a beat officer of it)


def plan_scope_get(*, user: User, pk: int) -> PlanScope:
    """Reviewers of the station see every officer; its own managers set anyone's plan (HQ,
    which reviews every station, reads only); a beat officer of the station sees and sets
    his own plan only. Anyone else: 404."""
    try:
        station = review_station_get(user=user, pk=pk)
        reviewer = True
    except OutOfScope:
        beat = (
            permissions.beats_for(user, "record_visits")
            .filter(post__station_id=pk)
            .select_related("post__station__headquarters")
            .first()
        )
        if beat is None:
            raise
        station, reviewer = beat.post.station, False
    officers = station_officer_list(station=station, user=user if reviewer else None)
    ids = {o.pk for o in station_officer_list(station=station)} if reviewer else set()
    ids |= {officer.pk for officer in officers}
    own = [officer for officer in officers if officer.pk == user.pk]
    if not reviewer:
        return PlanScope(station, own, own, ids, reviewer=False)
    # The station's own managers (地域課長等, 署長) are those who also set its 専従日.
    manages = permissions.has_perm(user, "set_dedicated_days", station)
    return PlanScope(station, officers, officers if manages else own, ids, reviewer=True)
