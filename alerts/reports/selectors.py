"""The reads of あんしんメールの統計 (issue 14 point 6), each narrowed to the asker's scope
(alerts.reports.policy): alerts sent per month, category and 所属; the time from the first
draft to the send, by span and by approval step (medians); subscribers per area and category
over time; the delivery success rate per month.

An alert counts in the month (Tokyo time) its fan-out started (`sending_started_at`), and so
do its deliveries. Each report is a few aggregate queries whatever the number of rows; the
figures come back as `Table`s (caption, header, rows) that the page, its charts and the CSV
downloads all read, so the three never disagree.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from accounts.models import Division, Station
from accounts.utils import dates

from ..delivery.models import Delivery, DeliveryStatus
from ..drafts.models import Alert, AlertStep
from .policy import ReportScope
from .subscribers import subscriber_tables
from .tables import Period, Report, Table, month_label, month_of


def _sent_in(scope: ReportScope, period: Period) -> QuerySet[Alert]:
    """Alerts of the scope whose fan-out started within the period."""
    start, end = period.bounds
    return Alert.objects.filter(
        scope.alerts_q(), sending_started_at__gte=start, sending_started_at__lt=end
    )


def _percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


# --- Alerts per month, category and 所属 -------------------------------------------------------


def alerts_tables(*, scope: ReportScope, period: Period) -> dict[str, Table]:
    """Three queries: by month, by category, by author unit."""
    sent = _sent_in(scope, period)
    by_month = {
        month_of(r["month"]): r
        for r in sent.annotate(month=TruncMonth("sending_started_at"))
        .values("month")
        .annotate(n=Count("pk"), withdrawn=Count("pk", filter=Q(withdrawn_at__isnull=False)))
        .order_by("month")
    }
    months = [
        [
            month_label(m),
            by_month.get(m, {}).get("n", 0),
            by_month.get(m, {}).get("withdrawn", 0),
        ]
        for m in period.months
    ]
    categories = [
        [r["category__name"], r["n"]]
        for r in sent.values("category_id", "category__name", "category__order")
        .annotate(n=Count("pk"))
        .order_by("category__order", "category_id")
    ]
    units = [
        [r["author_station__name"] or r["author_division__name"], r["n"]]
        for r in sent.values(
            "author_station_id",
            "author_station__name",
            "author_division_id",
            "author_division__name",
        )
        .annotate(n=Count("pk"))
        .order_by("-n", "author_station__name", "author_division__name")
    ]
    total = sum(row[1] for row in months)
    return {
        "alerts_by_month": Table(
            "alerts_by_month",
            "月別の配信件数",
            ["月", "配信件数", "うち取消"],
            months,
        ),
        "alerts_by_category": Table(
            "alerts_by_category",
            "配信区分別の配信件数",
            ["配信区分", "配信件数", "割合（%）"],
            [[name, n, _percent(n, total)] for name, n in categories],
        ),
        "alerts_by_unit": Table(
            "alerts_by_unit",
            "所属別の配信件数",
            ["所属", "配信件数", "割合（%）"],
            [[name, n, _percent(n, total)] for name, n in units],
        ),
    }


# --- From the first draft to the send ----------------------------------------------------------

# (label, from field, to field) of the alert's own marks.
SPANS = (
    ("作成から報告（承認申請）まで", "created_at", "reported_at"),
    ("報告から承認（最終）まで", "reported_at", "approved_at"),
    ("承認から発信操作まで", "approved_at", "queued_at"),
    ("発信操作から配信開始まで", "queued_at", "sending_started_at"),
    ("作成から配信開始まで（全体）", "created_at", "sending_started_at"),
)


def _minutes(spans: Iterable[dt.timedelta]) -> list[float]:
    return [max(s.total_seconds(), 0) / 60 for s in spans]


def _span_row(label: str, minutes: list[float]) -> list[Any]:
    if not minutes:
        return [label, 0, "—", None, "—"]
    median = statistics.median(minutes)
    return [
        label,
        len(minutes),
        dates.duration_ja(dt.timedelta(minutes=median)),
        round(median, 1),
        dates.duration_ja(dt.timedelta(minutes=max(minutes))),
    ]


def timing_tables(*, scope: ReportScope, period: Period) -> dict[str, Table]:
    """Two queries: the alerts' own marks, and the decided steps of their chains."""
    sent = _sent_in(scope, period)
    fields = sorted({f for _, a, b in SPANS for f in (a, b)})
    marks = list(sent.values(*fields))
    spans = []
    for label, start, end in SPANS:
        found = [m[end] - m[start] for m in marks if m[start] and m[end]]
        spans.append(_span_row(label, _minutes(found)))
    steps: dict[str, list[dt.timedelta]] = defaultdict(list)
    first_order: dict[str, int] = {}
    for label, order, arrived, decided in AlertStep.objects.filter(
        alert__in=sent, arrived_at__isnull=False, decided_at__isnull=False
    ).values_list("label", "order", "arrived_at", "decided_at"):
        if arrived and decided:  # filtered above; for the type checker
            steps[label].append(decided - arrived)
        first_order[label] = min(order, first_order.get(label, order))
    step_rows = [
        _span_row(label, _minutes(steps[label]))
        for label in sorted(steps, key=lambda name: (first_order[name], name))
    ]
    header = ["区間", "件数", "中央値", "中央値（分）", "最長"]
    return {
        "timing_spans": Table(
            "timing_spans",
            "作成から配信開始までの時間（中央値）",
            header,
            spans,
            note="配信が始まった配信について、作成日時から配信開始日時までを区間ごとに数えています。",
        ),
        "timing_steps": Table(
            "timing_steps",
            "承認の段階ごとの所要時間（中央値）",
            ["段階", "件数", "中央値", "中央値（分）", "最長"],
            step_rows,
            note="各段階に届いてから決定（承認・差戻し・発信操作）されるまで。差戻し前の回も含みます。",
        ),
    }


# --- Delivery success -----------------------------------------------------------------------


def delivery_tables(*, scope: ReportScope, period: Period) -> dict[str, Table]:
    """One query over the deliveries of the alerts in scope, by the alert's month."""
    start, end = period.bounds
    found = {
        month_of(r["month"]): r
        for r in Delivery.objects.filter(
            scope.alerts_q("alert__"),
            alert__sending_started_at__gte=start,
            alert__sending_started_at__lt=end,
        )
        .annotate(month=TruncMonth("alert__sending_started_at"))
        .values("month")
        .annotate(
            total=Count("pk"),
            sent=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
            failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
            dropped=Count("pk", filter=Q(status=DeliveryStatus.DROPPED)),
        )
        .order_by("month")
    }
    rows = []
    for month in period.months:
        r = found.get(month, {})
        sent, failed = r.get("sent", 0), r.get("failed", 0)
        rows.append(
            [
                month_label(month),
                r.get("total", 0),
                sent,
                failed,
                r.get("dropped", 0),
                _percent(sent, sent + failed),
            ]
        )
    return {
        "delivery_by_month": Table(
            "delivery_by_month",
            "月別の送信成功率",
            ["月", "送信件数", "送信済み", "送信できず", "送信取りやめ", "成功率（%）"],
            rows,
            note="成功率＝送信済み÷（送信済み＋送信できず）。送信中・待機中の分は含みません。"
            "配信停止・不達による送信取りやめは成功率に含みません。",
        ),
    }


# --- The whole page --------------------------------------------------------------------------


def report_get(*, scope: ReportScope, period: Period) -> Report:
    """Every table of the reports page for the scope and period (twelve queries)."""
    report = Report(period=period, scope_label=scope_label(scope))
    report.tables.update(alerts_tables(scope=scope, period=period))
    report.tables.update(timing_tables(scope=scope, period=period))
    subscribers, series = subscriber_tables(scope=scope, period=period)
    report.tables.update(subscribers)
    report.series["subscribers_by_category"] = series
    report.tables.update(delivery_tables(scope=scope, period=period))
    return report


def scope_label(scope: ReportScope) -> str:
    """「すべての所属」 or the names of the user's 所属 (one query)."""
    if scope.everything:
        return "すべての所属"
    names = [
        *Station.objects.filter(pk__in=scope.station_ids)
        .order_by("code")
        .values_list("name", flat=True),
        *Division.objects.filter(pk__in=scope.division_ids)
        .order_by("pk")
        .values_list("name", flat=True),
    ]
    return "・".join(names)


def report_table(*, scope: ReportScope, period: Period, key: str) -> Table | None:
    """One table by its key (a CSV download), None for a key no report has. Only the
    section holding it is read."""
    if key.startswith("subscribers_"):
        return subscriber_tables(scope=scope, period=period)[0].get(key)
    for prefix, section in SECTIONS.items():
        if key.startswith(prefix):
            return section(scope=scope, period=period).get(key)
    return None


SECTIONS: dict[str, Callable[..., dict[str, Table]]] = {
    "alerts_": alerts_tables,
    "timing_": timing_tables,
    "delivery_": delivery_tables,
}
