"""The liaison source of the department inbox (accounts.inbox): a 巡回連絡 visit's follow-up
that names a department (要領 第3-2(3), 地域安全ネットワーク 3⑴ウ) reaches that department at
the visit's station. Its staff read the follow-up's note, beat and date here, never the
card or the household, and close it from the inbox (views.follow_up_inbox_detail).

A visit's follow-up has no due date: it is never overdue, and waits by the date it was
raised. Registered from LiaisonConfig.ready()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.inbox.registry import (
    CLOSED,
    OVERDUE,
    InboxCounts,
    InboxItem,
    InboxSource,
    register_inbox_source,
)
from accounts.models import Department, User
from liaison.visits.models import FollowUpDepartment, Visit

KEY = "liaison_follow_up"
Kind = Department.Kind

# A station's department by its kind -> the follow-up label a visit names. 会計課 takes no
# follow-ups; 市町村・関係機関 and その他 are outside the station and reach no inbox.
FOLLOW_UP_FOR_KIND: dict[str, str] = {
    Kind.COMMUNITY: FollowUpDepartment.COMMUNITY,
    Kind.SAFETY: FollowUpDepartment.SAFETY,
    Kind.CRIMINAL: FollowUpDepartment.CRIMINAL,
    Kind.TRAFFIC: FollowUpDepartment.TRAFFIC,
    Kind.SECURITY: FollowUpDepartment.SECURITY,
    Kind.GENERAL: FollowUpDepartment.ADMIN,
}


def _department_q(department: Department) -> Q:
    label = FOLLOW_UP_FOR_KIND.get(department.kind)
    if label is None:
        return Q(pk__in=[])
    q = Q(station_id=department.station_id, follow_up_department=label)
    if department.kind == Kind.COMMUNITY:
        # A station with several 地域課: each has its own posts' follow-ups, and those of
        # posts that name none.
        q &= Q(book__beat__post__department_id=department.pk) | Q(
            book__beat__post__department__isnull=True
        )
    return q


def _of(departments: Sequence[Department]) -> QuerySet[Visit]:
    q = Q(pk__in=[])
    for department in departments:
        q |= _department_q(department)
    return Visit.objects.filter(q)


def _department_of(visit_station: int, label: str, post_department: int | None, departments):
    for department in departments:
        if department.station_id != visit_station:
            continue
        if FOLLOW_UP_FOR_KIND.get(department.kind) != label:
            continue
        if department.kind == Kind.COMMUNITY and post_department not in (None, department.pk):
            continue
        return department
    return None


def _item(visit: Visit, department: Department) -> InboxItem:
    beat = visit.book.beat
    done_by = visit.follow_up_done_by
    return InboxItem(
        source=KEY,
        pk=visit.pk,
        department_id=department.pk,
        raised_on=timezone.localdate(visit.started_at),
        due_on=None,
        title=f"巡回連絡での要望（{beat.post.name} {beat.name}）",
        text=visit.follow_up_note or "（内容の記載はありません）",
        url=reverse("liaison:follow_up_inbox_detail", kwargs={"pk": visit.pk}),
        closed_at=visit.follow_up_done_at,
        closed_by=done_by.full_name if done_by else "",
    )


def follow_up_inbox_items(
    departments: Sequence[Department], state: str, today: dt.date, limit: int
) -> list[InboxItem]:
    if state == OVERDUE or not departments:
        return []  # no due date, never overdue
    visits = _of(departments).select_related("book__beat__post", "follow_up_done_by")
    if state == CLOSED:
        visits = visits.filter(follow_up_done_at__isnull=False).order_by(
            "-follow_up_done_at", "-pk"
        )
    else:
        # The inbox's order (accounts.inbox.registry.sort_key): the date raised, in Tokyo.
        visits = visits.filter(follow_up_done_at__isnull=True).order_by(
            TruncDate("started_at", tzinfo=timezone.get_current_timezone()), "pk"
        )
    items = []
    for visit in visits[:limit]:
        department = _department_of(
            visit.station_id,
            visit.follow_up_department,
            visit.book.beat.post.department_id,
            departments,
        )
        if department is not None:
            items.append(_item(visit, department))
    return items


def follow_up_inbox_counts(
    departments: Sequence[Department], today: dt.date
) -> dict[int, InboxCounts]:
    if not departments:
        return {}
    is_open = Q(follow_up_done_at__isnull=True)
    rows = (
        _of(departments)
        .order_by()
        .annotate(post_department=F("book__beat__post__department_id"))
        .values("station_id", "follow_up_department", "post_department")
        .annotate(open=Count("pk", filter=is_open), closed=Count("pk", filter=~is_open))
    )
    totals: dict[int, InboxCounts] = {}
    for row in rows:
        department = _department_of(
            row["station_id"], row["follow_up_department"], row["post_department"], departments
        )
        if department is not None:
            counts = InboxCounts(open=row["open"], closed=row["closed"])
            totals[department.pk] = totals.get(department.pk, InboxCounts()) + counts
    return totals


# --- The follow-up's own page, for the department's staff --------------------------------


def follow_up_departments(user: User, visit: Visit) -> list[Department]:
    """The departments the user works that this follow-up is addressed to."""
    if not visit.follow_up_department:
        return []
    departments = permissions.departments_for(user).filter(station_id=visit.station_id)
    post_department = visit.book.beat.post.department_id
    return [
        d
        for d in departments
        if _department_of(visit.station_id, visit.follow_up_department, post_department, [d])
    ]


def follow_up_inbox_get(*, user: User, pk: int) -> tuple[Visit, Department]:
    """A follow-up addressed to a department the user works, with that department; else 404.
    No card comes with it."""
    visit = (
        Visit.objects.select_related("book__beat__post", "officer", "station", "follow_up_done_by")
        .exclude(follow_up_department="")
        .filter(pk=pk)
        .first()
    )
    departments = follow_up_departments(user, visit) if visit else []
    if visit is None or not departments:
        raise OutOfScope("liaison.visit", str(pk))
    return visit, departments[0]


def register() -> None:
    register_inbox_source(
        InboxSource(
            key=KEY,
            label="巡回連絡の対応事項",
            items=follow_up_inbox_items,
            counts=follow_up_inbox_counts,
        )
    )
