"""要確認事案 (anomaly cases): who may see and review them, their review workflow, and the
monthly audit report (counts only). The home panel is in accounts.audit.panels.

The workflow is the table MOVES; `anomaly_case_review` re-reads the case with
select_for_update, refuses a move not in the table with a TransitionError naming both
states, and leaves one AnomalyReview row per step. HQ auditors review every case; a
break-the-glass case also its beat's 取扱責任者 (permissions.may_review_anomaly). A case
still open AUDIT_REVIEW_DAYS after it was found is overdue: sorted first, with a badge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from .. import permissions
from ..exceptions import OutOfScope, PermissionDenied, TransitionError
from ..models import (
    AccessEvent,
    AccessLogCheck,
    AnomalyCase,
    AnomalyReview,
    Post,
    Station,
    User,
)
from ..services import notice_send
from . import registry
from .services import auditors

Status = AnomalyCase.Status
CASE_PAGE_SIZE = 50
EVENT_PAGE_SIZE = 50

# status -> the statuses a review may move it to. A closed case stays closed.
MOVES: dict[str, tuple[str, ...]] = {
    Status.OPEN: (Status.EXPLAINED, Status.ESCALATED, Status.CLOSED),
    Status.EXPLAINED: (Status.ESCALATED, Status.CLOSED),
    Status.ESCALATED: (Status.EXPLAINED, Status.CLOSED),
    Status.CLOSED: (),
}

# The button of each move, and what its note must say.
MOVE_LABELS = {
    Status.EXPLAINED: "説明済みにする",
    Status.ESCALATED: "上申する",
    Status.CLOSED: "終結する",
}
NOTE_REQUIRED = {
    Status.EXPLAINED: "説明の内容を入力してください。",
    Status.ESCALATED: "上申する理由を入力してください。",
    Status.CLOSED: "終結とする理由（確認の結果）を入力してください。",
}

FIGURE_LABELS = {
    "reads": "カードの閲覧・印刷",
    "usual": "通常の件数（1日の中央値）",
    "threshold": "基準",
    "events": "記録",
    "card": "カード",
    "records": "出力件数",
    "cards": "カードの枚数",
    "duty": "勤務時間",
}
FIGURE_UNITS = {
    "reads": "件",
    "usual": "件",
    "threshold": "件",
    "events": "件",
    "records": "件",
    "cards": "枚",
}


def review_days() -> int:
    return settings.AUDIT_REVIEW_DAYS


def review_period() -> str:
    """AUDIT_REVIEW_DAYS as an officer says it: 「1週間」, 「10日」."""
    days = review_days()
    return f"{days // 7}週間" if days % 7 == 0 else f"{days}日"


def overdue_label() -> str:
    """The badge of a case left open too long: 「1週間以上未確認」."""
    return f"{review_period()}以上未確認"


def _overdue_before(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=review_days())


def overdue_q(now: dt.datetime | None = None) -> Q:
    return Q(status=Status.OPEN, found_at__lt=_overdue_before(now))


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


def anomaly_case_page(*, page_number: str | int | None = 1, **filters) -> Page:
    return Paginator(anomaly_case_list(**filters), CASE_PAGE_SIZE).get_page(page_number)


def anomaly_case_stations(*, user: User) -> QuerySet[Station]:
    """The stations the case filter offers: all for an auditor, those of his posts for a
    取扱責任者."""
    if permissions.can_audit(user):
        return Station.objects.order_by("code")
    posts = permissions.objects_for(user, "supervise_post", Post).values("station_id")
    return Station.objects.filter(pk__in=posts).order_by("code")


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


def anomaly_case_figures(case: AnomalyCase) -> list[tuple[str, str]]:
    rows = []
    for key, value in (case.figures or {}).items():
        label = FIGURE_LABELS.get(key, key)
        if key == "card":
            rows.append((label, f"No.{value}"))
        else:
            rows.append((label, f"{value}{FIGURE_UNITS.get(key, '')}"))
    return rows


@dataclass(frozen=True)
class CaseEvent:
    """One access event of a case, labelled without personal data."""

    event: AccessEvent
    object_label: str


def anomaly_case_events(*, case: AnomalyCase, page_number: str | int | None = 1) -> Page:
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


# --- Review --------------------------------------------------------------------------------


def _reviewers_to_tell(case: AnomalyCase, actor: User) -> list[User]:
    return [u for u in auditors() if u.pk not in (actor.pk, case.subject_id)]


@transaction.atomic
def anomaly_case_review(
    *, actor: User, case: AnomalyCase, to_status: str, note: str
) -> AnomalyCase:
    """One step of the review, with its note; kept as an AnomalyReview row.

    An escalation (上申) made by a 取扱責任者 is told to HQ auditors (a title and a link).
    """
    fresh = AnomalyCase.objects.select_for_update().get(pk=case.pk)
    if not permissions.may_review_anomaly(actor, fresh):
        raise PermissionDenied("この事案を確認する権限がありません。")
    if fresh.subject_id == actor.pk:
        raise PermissionDenied("自分が対象の事案は確認できません。")
    if to_status not in Status.values:
        raise TransitionError("変更後の状態を選んでください。")
    if to_status not in MOVES[fresh.status]:
        raise TransitionError(
            f"「{fresh.get_status_display()}」の事案を「{Status(to_status).label}」にはできません。"
        )
    note = note.strip()
    if not note:
        raise ValidationError({"note": NOTE_REQUIRED[to_status]})
    now = timezone.now()
    review = AnomalyReview(
        case=fresh,
        reviewer=actor,
        reviewed_at=now,
        from_status=fresh.status,
        to_status=to_status,
        note=note,
    )
    review.full_clean()
    review.save()
    fresh.status = to_status
    fresh.reviewed_at = now
    fresh.save(update_fields=["status", "reviewed_at"])
    if to_status == Status.ESCALATED and not permissions.can_audit(actor):
        notice_send(
            recipients=_reviewers_to_tell(fresh, actor),
            title="緊急閲覧の事案が取扱責任者から上申されました",
            url=reverse("accounts:audit_case_detail", kwargs={"pk": fresh.pk}),
        )
    return fresh


def anomaly_case_reviews(*, case: AnomalyCase) -> list[AnomalyReview]:
    return list(case.reviews.select_related("reviewer").order_by("reviewed_at", "pk"))


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


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(month.replace(day=1), dt.time(0), tzinfo=tz)
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, dt.datetime.combine(following, dt.time(0), tzinfo=tz)


def report_neighbours(month: dt.date) -> tuple[str, str]:
    """The months before and after `month` as 「2026-04」 for the report's links; no
    following month past the current one."""
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return f"{previous:%Y-%m}", f"{following:%Y-%m}" if following <= timezone.localdate() else ""


def audit_report_get(*, user: User, month: dt.date) -> AuditReport:
    """The month's access events per station × action, the flagged ones, the cases found
    for the month's days by kind × status, the overdue cases now, and the last chain check.
    Counts only: no person, no card."""
    if not permissions.can_view_audit_report(user):
        raise PermissionDenied("監査報告は本部の監査担当者と統括管理責任者のみが閲覧できます。")
    start, end = month_bounds(month)
    report = AuditReport(month=month.replace(day=1))
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
