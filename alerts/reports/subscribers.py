"""The subscribers report (issue 14 point 6): how many current subscribers each area and
each category had at the end of each month, counted from their registration (confirmed_at).

A subscriber who unsubscribed is deleted (alerts.subscribers), so he is not counted back in
the months he was a member: the figures of past months are those of today's members. A
station's people see their station's municipalities and the whole-prefecture subscribers
(they receive its alerts too); categories count the subscribers of those areas. Six
queries, whatever the number of subscribers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from accounts.models import Municipality

from ..categories.models import Category
from ..subscribers.models import Subscriber
from .policy import ReportScope
from .tables import Period, Table, month_label, month_of

NOT_COUNTED_BACK = "登録を解除した会員は、過去の月にもさかのぼって数えていません（現在の会員を登録日で数えています）。"
WHOLE = "県内全域"


def _municipalities(scope: ReportScope) -> QuerySet[Municipality]:
    found = Municipality.objects.select_related("station")
    if not scope.all_areas:
        found = found.filter(station_id__in=scope.station_ids)
    return found.order_by("station__code", "code")


def _cumulative(counts: dict[dt.date, int], months: list[dt.date]) -> list[int]:
    """Members at the end of each month: everyone registered in or before it."""
    return [sum(n for m, n in counts.items() if m <= month) for month in months]


def subscriber_tables(*, scope: ReportScope, period: Period) -> tuple[dict[str, Table], dict]:
    """(tables, the chart's series: month labels and one line per category plus the total)."""
    months = period.months
    _, end = period.bounds
    municipalities = list(_municipalities(scope))
    reached = Q(whole_prefecture=True)
    if scope.all_areas:
        reached = Q()
    else:
        reached |= Q(municipalities__in=municipalities)
    # Registered by the end of the period (later ones are not in any month shown).
    scoped = Subscriber.objects.filter(reached, confirmed_at__lt=end).values("pk")

    def bymonth_of(queryset: QuerySet, *keys: str, date: str) -> dict[Any, dict[dt.date, int]]:
        counts: dict[Any, dict[dt.date, int]] = defaultdict(dict)
        for row in (
            queryset.annotate(month=TruncMonth(date))
            .values(*keys, "month")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            key = tuple(row[k] for k in keys) if len(keys) != 1 else row[keys[0]]
            counts[key][month_of(row["month"])] = row["n"]
        return counts

    through_m = Subscriber.municipalities.through
    through_c = Subscriber.categories.through
    per_area = bymonth_of(
        through_m.objects.filter(municipality__in=municipalities, subscriber__confirmed_at__lt=end),
        "municipality_id",
        date="subscriber__confirmed_at",
    )
    whole = bymonth_of(
        Subscriber.objects.filter(whole_prefecture=True, confirmed_at__lt=end),
        "whole_prefecture",
        date="confirmed_at",
    ).get(True, {})
    per_category = bymonth_of(
        through_c.objects.filter(subscriber__in=scoped),
        "category_id",
        date="subscriber__confirmed_at",
    )
    total = bymonth_of(
        Subscriber.objects.filter(pk__in=scoped), "whole_prefecture", date="confirmed_at"
    )
    total_counts: dict[dt.date, int] = defaultdict(int)
    for counts in total.values():
        for month, n in counts.items():
            total_counts[month] += n

    header = ["地域", *[month_label(m) for m in months]]
    area_rows = [[WHOLE, *_cumulative(whole, months)]]
    for municipality in municipalities:
        name = f"{municipality.name}（{municipality.station.name}）"
        area_rows.append([name, *_cumulative(per_area.get(municipality.pk, {}), months)])
    categories = list(
        Category.objects.filter(Q(is_active=True) | Q(pk__in=list(per_category)))
        .order_by("order", "pk")
        .only("pk", "name")
    )
    category_rows = [[c.name, *_cumulative(per_category.get(c.pk, {}), months)] for c in categories]
    totals = _cumulative(total_counts, months)
    category_rows.append(["会員数（合計）", *totals])
    note = NOT_COUNTED_BACK
    if not scope.all_areas:
        note += "県内全域を選んだ会員は、管内の会員として合計に含めています。"
    tables = {
        "subscribers_by_area": Table(
            "subscribers_by_area",
            "地域別の会員数（各月末）",
            header,
            area_rows,
            note=note + "複数の市町村を選んだ会員は、それぞれの市町村で数えています。",
        ),
        "subscribers_by_category": Table(
            "subscribers_by_category",
            "配信区分別の会員数（各月末）",
            ["配信区分", *header[1:]],
            category_rows,
            note=note + "複数の区分を選んだ会員は、それぞれの区分で数えています。",
        ),
    }
    series = {
        "labels": [f"{m.month}月" if m.month != 1 else f"{m.year}年1月" for m in months],
        "lines": [(row[0], row[1:]) for row in category_rows],
    }
    return tables, series
