"""要確認事案 (anomaly cases) and the monthly audit report, read for the user who asks.

HQ auditors see every case; a 取扱責任者 the break-the-glass cases of his beats
(anomaly_case_scope). The list page (anomaly_case_list_get), one case's page
(anomaly_case_detail_get: 404 outside the scope) and the report of one month
(audit_report_get: counts only, HQ auditors and the 統括管理責任者) each come from one
selector. The workflow table and the overdue rule are accounts.audit.cases; the review
itself is accounts.audit.services.anomaly_case_review.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from .. import permissions
from ..exceptions import OutOfScope, PermissionDenied
from ..models import (
    AccessEvent,
    AccessLogCheck,
    AnomalyCase,
    AnomalyReview,
    Post,
    Station,
    User,
)
from ..utils import dates
from . import registry
from .cases import (
    MOVE_LABELS,
    MOVES,
    Status,
    anomaly_case_figures,
    overdue_label,
    overdue_q,
    report_neighbours,
    review_period,
)

CASE_PAGE_SIZE = 50
EVENT_PAGE_SIZE = 50


# --- Who sees what ------------------------------------------------------------------------


def anomaly_case_scope(*, user: User) -> QuerySet[AnomalyCase]:
    """Every case for an HQ auditor; a 取扱責任者 the break-the-glass cases of his beats."""
    cases = AnomalyCase.objects.all()
    if permissions.can_audit(user):
        return cases
    return cases.filter(
        kind=AnomalyCase.Kind.BREAK_GLASS, beat__in=permissions.anomaly_beats_for(user)
    )


def anomaly_case_list(
    *,
    user: User,
    kind: str = "",
    status: str = "",
    station: Station | None = None,
    overdue_only: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[AnomalyCase]:
    """The cases in the user's scope, overdue first, then open, then newest found."""
    overdue = overdue_q(now)
    cases = anomaly_case_scope(user=user).annotate(
        is_overdue=Case(When(overdue, then=Value(True)), default=Value(False)),
        is_open=Case(
            When(status=Status.OPEN, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if kind:
        cases = cases.filter(kind=kind)
    if status:
        cases = cases.filter(status=status)
    if station is not None:
        cases = cases.filter(station=station)
    if overdue_only:
        cases = cases.filter(overdue)
    return cases.select_related("subject", "station", "beat__post").order_by(
        "-is_overdue", "-is_open", "-found_at", "-pk"
    )


def _case_stations(user: User) -> QuerySet[Station]:
    """The stations the case filter offers: all for an auditor, those of his posts for a
    取扱責任者."""
    if permissions.can_audit(user):
        return Station.objects.order_by("code")
    posts = permissions.objects_for(user, "supervise_post", Post).values("station_id")
    return Station.objects.filter(pk__in=posts).order_by("code")


@dataclass(frozen=True)
class CaseList:
    """The case list page for one user: the station filter's choices (a lazy queryset), the
    overdue badge and review period, and `page()` for the rows. The rows depend on the
    filters, which the form can only read once it has these choices; so they are asked of
    this object, within the scope it was made for."""

    user: User
    stations: QuerySet[Station]
    overdue_label: str
    review_period: str

    def page(
        self,
        *,
        page_number: str | int | None = 1,
        kind: str = "",
        status: str = "",
        station: Station | None = None,
        overdue_only: bool = False,
    ) -> Page:
        cases = anomaly_case_list(
            user=self.user, kind=kind, status=status, station=station, overdue_only=overdue_only
        )
        return Paginator(cases, CASE_PAGE_SIZE).get_page(page_number)


def anomaly_case_list_get(*, user: User) -> CaseList:
    return CaseList(
        user=user,
        stations=_case_stations(user),
        overdue_label=overdue_label(),
        review_period=review_period(),
    )


# --- One case --------------------------------------------------------------------------------


def anomaly_case_get(*, user: User, pk: int) -> AnomalyCase:
    found = (
        anomaly_case_list(user=user)
        .select_related("beat__post__station", "subject")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise OutOfScope("accounts.anomalycase", str(pk))
    return found


def anomaly_case_moves(*, user: User, case: AnomalyCase) -> list[tuple[str, str]]:
    """The buttons of a case: the table's moves ∩ the user's right to review it."""
    if case.subject_id == user.pk or not permissions.may_review_anomaly(user, case):
        return []
    return [(to, MOVE_LABELS[to]) for to in MOVES[case.status]]


@dataclass(frozen=True)
class CaseEvent:
    """One access event of a case, labelled without personal data."""

    event: AccessEvent
    object_label: str


def _case_events(case: AnomalyCase, page_number: str | int | None) -> Page:
    """The case's events, oldest first, a page at a time; each object by its audit label
    (「カード No.123（署 交番 受持区）」), never by its contents."""
    events = (
        AccessEvent.objects.filter(pk__in=case.event_ids or [])
        .select_related("user", "station")
        .order_by("occurred_at", "pk")
    )
    page = Paginator(events, EVENT_PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    ids_by_type: dict[str, list[str]] = {}
    for event in rows:
        if event.object_type and event.object_id:
            ids_by_type.setdefault(event.object_type, []).append(event.object_id)
    labels: dict[tuple[str, str], str] = {}
    for object_type, ids in ids_by_type.items():
        audited = registry.kind(object_type)
        described = audited.describe(ids) if audited and audited.describe else {}
        for object_id in ids:
            fallback = f"{audited.label if audited else object_type} No.{object_id}"
            labels[(object_type, object_id)] = described.get(object_id, fallback)
    page.object_list = [
        CaseEvent(event, labels.get((event.object_type, event.object_id), "")) for event in rows
    ]
    return page


@dataclass(frozen=True)
class CaseDetail:
    """What a case's page shows: the case, the moves this user may make on it now (the
    review form's choices; empty: no form), its figures, one page of its events and its
    review history."""

    case: AnomalyCase
    moves: list[tuple[str, str]]
    figures: list[tuple[str, str]]
    events: Page  # of CaseEvent
    reviews: list[AnomalyReview]
    overdue_label: str


def anomaly_case_detail_get(
    *, user: User, pk: int, page_number: str | int | None = 1
) -> CaseDetail:
    """One case in the user's scope (404 otherwise) with everything its page shows."""
    case = anomaly_case_get(user=user, pk=pk)
    return CaseDetail(
        case=case,
        moves=anomaly_case_moves(user=user, case=case),
        figures=anomaly_case_figures(case),
        events=_case_events(case, page_number),
        reviews=list(case.reviews.select_related("reviewer").order_by("reviewed_at", "pk")),
        overdue_label=overdue_label(),
    )


# --- The monthly audit report (counts only) ------------------------------------------------


@dataclass
class StationRow:
    name: str
    counts: list[int]
    total: int


@dataclass
class AuditReport:
    month: dt.date
    actions: list[tuple[str, str]] = field(default_factory=list)
    stations: list[StationRow] = field(default_factory=list)
    action_totals: list[int] = field(default_factory=list)
    event_total: int = 0
    break_glass: int = 0
    out_of_scope: int = 0
    case_kinds: list[tuple[str, list[int], int]] = field(default_factory=list)
    case_statuses: list[tuple[str, str]] = field(default_factory=list)
    case_total: int = 0
    overdue: int = 0
    last_check: AccessLogCheck | None = None
    # The page's links to the months before and after (「2026-04」; "" for none) and the
    # overdue badge.
    previous: str = ""
    following: str = ""
    overdue_label: str = ""


def audit_report_get(*, user: User, month: dt.date) -> AuditReport:
    """The month's access events per station × action, the flagged ones, the cases found
    for the month's days by kind × status, the overdue cases now, and the last chain check.
    Counts only: no person, no card."""
    if not permissions.can_view_audit_report(user):
        raise PermissionDenied("監査報告は本部の監査担当者と統括管理責任者のみが閲覧できます。")
    start, end = dates.month_bounds(month)
    previous, following = report_neighbours(month)
    report = AuditReport(
        month=month.replace(day=1),
        previous=previous,
        following=following,
        overdue_label=overdue_label(),
    )
    events = AccessEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end).order_by()
    grid: dict[int | None, dict[str, int]] = {}
    for row in events.values("station_id", "action").annotate(n=Count("pk")):
        grid.setdefault(row["station_id"], {})[row["action"]] = row["n"]
    seen = {action for counts in grid.values() for action in counts}
    report.actions = [(a, label) for a, label in AccessEvent.Action.choices if a in seen]
    stations = {
        pk: (code, name)
        for pk, code, name in Station.objects.filter(pk__in=[pk for pk in grid if pk]).values_list(
            "pk", "code", "name"
        )
    }
    unknown = ("", "（警察署なし）")
    for station_id in sorted(grid, key=lambda pk: (pk is None, stations.get(pk, unknown)[0])):
        counts = [grid[station_id].get(a, 0) for a, _ in report.actions]
        name = stations.get(station_id, unknown)[1]
        report.stations.append(StationRow(name=name, counts=counts, total=sum(counts)))
    report.action_totals = [sum(grid[s].get(a, 0) for s in grid) for a, _ in report.actions]
    report.event_total = sum(report.action_totals)
    flagged = events.aggregate(
        break_glass=Count("pk", filter=Q(break_glass=True)),
        out_of_scope=Count("pk", filter=Q(out_of_scope=True)),
    )
    report.break_glass = flagged["break_glass"]
    report.out_of_scope = flagged["out_of_scope"]

    month_end_day = (end - dt.timedelta(days=1)).date()
    by_kind: dict[str, dict[str, int]] = {}
    cases = AnomalyCase.objects.filter(day__gte=report.month, day__lte=month_end_day).order_by()
    for row in cases.values("kind", "status").annotate(n=Count("pk")):
        by_kind.setdefault(row["kind"], {})[row["status"]] = row["n"]
    report.case_statuses = list(Status.choices)
    for kind, label in AnomalyCase.Kind.choices:
        counts = [by_kind.get(kind, {}).get(s, 0) for s, _ in report.case_statuses]
        report.case_kinds.append((label, counts, sum(counts)))
    report.case_total = sum(total for _, _, total in report.case_kinds)
    report.overdue = AnomalyCase.objects.filter(overdue_q()).count()
    report.last_check = AccessLogCheck.objects.order_by("-ran_at", "-pk").first()
    return report
