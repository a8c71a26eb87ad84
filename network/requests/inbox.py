"""The network's source of the department inbox (accounts.inbox): requests heard in an
exchange or a 地域安全の会, addressed to a department (seed 001 3⑴ウ). Registered from
network.requests.panels.register(), which NetworkConfig.ready() calls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from accounts.inbox.registry import (
    CLOSED,
    OVERDUE,
    InboxCounts,
    InboxItem,
    InboxSource,
    register_inbox_source,
)
from accounts.models import Department
from accounts.utils import dates
from network.requests.models import DepartmentRequest

KEY = "network_request"


def _of(departments: Sequence[Department]) -> QuerySet[DepartmentRequest]:
    # The department fixes the station; the station is asked too, so that a row whose
    # station and department disagree reaches nobody rather than the wrong station.
    return DepartmentRequest.objects.filter(
        department_id__in=[d.pk for d in departments],
        station_id__in={d.station_id for d in departments},
    )


def _in_state(requests: QuerySet[DepartmentRequest], state: str, today: dt.date):
    if state == CLOSED:
        return requests.filter(closed_at__isnull=False).order_by("-closed_at", "-pk")
    requests = requests.filter(closed_at__isnull=True)
    if state == OVERDUE:
        requests = requests.filter(due_on__lt=today)
    return requests.order_by("due_on", "raised_on", "pk")


def _title(department_request: DepartmentRequest) -> str:
    if department_request.exchange_id and department_request.exchange:
        return f"情報交換での要望（{dates.date_ja(department_request.exchange.held_on)}）"
    meeting = department_request.meeting
    if meeting is None:
        return "連絡員からの要望"
    return f"地域安全の会での要望（{dates.date_ja(meeting.held_on)} {meeting.place}）"


def _item(department_request: DepartmentRequest) -> InboxItem:
    closed_by = department_request.closed_by
    return InboxItem(
        source=KEY,
        pk=department_request.pk,
        department_id=department_request.department_id,
        raised_on=department_request.raised_on,
        due_on=department_request.due_on,
        title=_title(department_request),
        text=department_request.text,
        url=reverse("network:request_detail", kwargs={"pk": department_request.pk}),
        closed_at=department_request.closed_at,
        closed_by=closed_by.full_name if closed_by else "",
        action_taken=department_request.action_taken,
    )


def request_inbox_items(
    departments: Sequence[Department], state: str, today: dt.date, limit: int
) -> list[InboxItem]:
    requests = _in_state(_of(departments), state, today).select_related(
        "exchange", "meeting", "closed_by"
    )
    return [_item(r) for r in requests[:limit]]


def request_inbox_counts(
    departments: Sequence[Department], today: dt.date
) -> dict[int, InboxCounts]:
    is_open = Q(closed_at__isnull=True)
    rows = (
        _of(departments)
        .order_by()
        .values("department_id")
        .annotate(
            open=Count("pk", filter=is_open),
            overdue=Count("pk", filter=is_open & Q(due_on__lt=today)),
            closed=Count("pk", filter=~is_open),
        )
    )
    return {
        row["department_id"]: InboxCounts(row["open"], row["overdue"], row["closed"])
        for row in rows
    }


def register() -> None:
    register_inbox_source(
        InboxSource(
            key=KEY,
            label="連絡員からの要望",
            items=request_inbox_items,
            counts=request_inbox_counts,
        )
    )
