"""One person's or one object's access events, newest first, for the HQ audit's 職員別 and
対象別 pages and for the card page's 「閲覧・印刷・出力の記録」 panel.

audit_person_get and audit_object_get each return what their page shows (the person or
object; with a valid period, one page of events and, for a person, his activity summary)
and refuse anyone but an HQ auditor. object_access_history, the panel's read, leaves that
to its caller. Events are paged by keyset (accounts.audit.events).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from ..models import AccessEvent, User
from . import registry
from .events import (
    STATION,
    Cursor,
    EventFilter,
    EventPage,
    EventRow,
    event_rows,
    keyset_page,
    plain_label,
    role_label,
)
from .selectors import PAGE_SIZE, require_auditor

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
# The person page's summary when no period is given: the last 30 days.
SUMMARY_DAYS = 30
# The card page's panel: what was done with the card's contents.
CARD_PANEL_ACTIONS = (
    AccessEvent.Action.VIEW,
    AccessEvent.Action.PRINT,
    AccessEvent.Action.EXPORT,
)

_MICRO = dt.timedelta(microseconds=1)

# A period: [start, end), either bound open; a page given no period (its form was wrong)
# shows the person or object alone.
Period = tuple[dt.datetime | None, dt.datetime | None]


# --- A person's timeline ----------------------------------------------------------------------


@dataclass(frozen=True)
class ActivitySummary:
    start: dt.date
    end: dt.date  # inclusive
    by_action: list[tuple[str, int]]  # (label, count), most first
    total: int
    active_days: int


@dataclass(frozen=True)
class AuditPerson:
    """The 職員別 page: the person, one page of his events and his activity summary (both
    None without a period)."""

    person: User
    page: EventPage | None
    summary: ActivitySummary | None


def _person_timeline(
    person: User, start: dt.datetime | None, end: dt.datetime | None, after: Cursor | None
) -> EventPage:
    base, branches = EventFilter(user_ids=(person.pk,), start=start, end=end).events()
    events, cursor = keyset_page(base, after=after, limit=PAGE_SIZE, branches=branches)
    return EventPage(rows=event_rows(events), next_cursor=cursor, is_first=after is None)


def _summary_bounds(
    start: dt.datetime | None, end: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime]:
    """The period asked for, or the last SUMMARY_DAYS days up to the end of today."""
    if end is None:
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        end = today + dt.timedelta(days=1)
    if start is None:
        start = end - dt.timedelta(days=SUMMARY_DAYS)
    return start, end


def _activity_summary(
    person: User, start: dt.datetime | None, end: dt.datetime | None
) -> ActivitySummary:
    """Counts by action and the days with any event, Tokyo days, in one grouped query; over
    the period asked for, or (a bound not given) the last SUMMARY_DAYS days."""
    start, end = _summary_bounds(start, end)
    grouped = (
        AccessEvent.objects.filter(user=person, occurred_at__gte=start, occurred_at__lt=end)
        .annotate(day=TruncDate("occurred_at", tzinfo=TOKYO))
        .values_list("day", "action")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_action: Counter[str] = Counter()
    days = set()
    for day, action, n in grouped:
        by_action[action] += n
        days.add(day)
    labels = dict(AccessEvent.Action.choices)
    order = {action: index for index, action in enumerate(labels)}
    ranked = sorted(by_action.items(), key=lambda pair: (-pair[1], order.get(pair[0], 99)))
    last = (end - _MICRO).astimezone(TOKYO).date()
    return ActivitySummary(
        start=start.astimezone(TOKYO).date(),
        end=last,
        by_action=[(labels.get(a, a), n) for a, n in ranked],
        total=sum(by_action.values()),
        active_days=len(days),
    )


def audit_person_get(
    *, user: User, pk: int, period: Period | None = None, after: Cursor | None = None
) -> AuditPerson:
    """404 for a person who does not exist. The summary covers the period asked for, or (a
    bound not given) the last SUMMARY_DAYS days."""
    require_auditor(user)
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404("職員が見つかりません。")
    if period is None:
        return AuditPerson(person=person, page=None, summary=None)
    start, end = period
    return AuditPerson(
        person=person,
        page=_person_timeline(person, start, end, after),
        summary=_activity_summary(person, start, end),
    )


# --- One object's history ----------------------------------------------------------------------


@dataclass(frozen=True)
class AuditObject:
    """An object as the audit names it: its kind, id, label, and the containers whose exports
    carried it."""

    object_type: str
    object_id: str
    label: str
    containers: list[tuple[str, str]]


def _audit_object(object_type: str, object_id: str) -> AuditObject:
    """404 for a kind nobody registered or an id that names nothing."""
    kind = registry.kind(object_type)
    if kind is None or kind.describe is None:
        raise Http404("対象が見つかりません。")
    label = kind.describe([object_id]).get(object_id)
    if not label:
        raise Http404("対象が見つかりません。")
    containers = kind.containers(object_id) if kind.containers is not None else []
    return AuditObject(object_type, object_id, label, containers)


def _object_branches(
    *,
    object_type: str,
    object_id: str,
    containers: Collection[tuple[str, str]],
    actions: Collection[str] | None,
) -> list[Q]:
    """The object's own events, and one branch per container: an export of the book or the
    station carried this card too; nothing else of theirs. Each branch is one index range
    read newest first (keyset_page): the containers' exports through accounts_ae_export_time,
    so that the page reads a bounded number of entries however many exports they have."""
    own = Q(object_type=object_type, object_id=object_id)
    if actions is not None:
        own &= Q(action__in=list(actions))
    return [
        own,
        *(
            Q(object_type=container_type, object_id=container_id, action=AccessEvent.Action.EXPORT)
            for container_type, container_id in containers
        ),
    ]


def object_access_history(
    *,
    object_type: str,
    object_id: str,
    containers: Collection[tuple[str, str]],
    limit: int,
    actions: Collection[str] | None = None,
    after: Cursor | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> EventPage:
    """Events of one object, and the exports of its containers, newest first.

    Whoever calls decides who may see this (the audit pages: HQ auditors; the card page:
    card_actions' "access_history"). One query: the newest `limit` + 1 of each branch, each
    an index range with a LIMIT, merged (an OR of the branches would gather every export
    of the card's book and station and sort them: the page would grow with the log).
    """
    branches = _object_branches(
        object_type=object_type, object_id=object_id, containers=containers, actions=actions
    )
    events = AccessEvent.objects.all()
    if start is not None:
        events = events.filter(occurred_at__gte=start)
    if end is not None:
        events = events.filter(occurred_at__lt=end)
    if not connection.features.supports_slicing_ordering_in_compound:
        # SQLite (the embedded run): no LIMIT inside a UNION; one OR, as small data allows.
        condition = Q()
        for branch in branches:
            condition |= branch
        events, branches = events.filter(condition), []
    found, cursor = keyset_page(events, after=after, limit=limit, branches=branches)
    # The page names the object once, above the table; a container's export says which
    # container it was by its kind alone (the object's own book or station): no query.
    container_set = set(containers)
    rows = [
        EventRow(
            event=e,
            role_label=role_label(e.role),
            target="",
            via=_container_label(e.object_type)
            if (e.object_type, e.object_id) in container_set
            else "",
        )
        for e in found
    ]
    return EventPage(rows=rows, next_cursor=cursor, is_first=after is None)


def _container_label(object_type: str) -> str:
    kind = registry.kind(object_type)
    name = kind.label if kind is not None else "警察署" if object_type == STATION else ""
    return f"{name or plain_label(object_type, '')}ごとの出力"


@dataclass(frozen=True)
class AuditObjectHistory:
    """The 対象別 page: the object, and one page of its events (None without a period)."""

    obj: AuditObject
    page: EventPage | None


def audit_object_get(
    *,
    user: User,
    object_type: str,
    object_id: str,
    period: Period | None = None,
    after: Cursor | None = None,
) -> AuditObjectHistory:
    require_auditor(user)
    obj = _audit_object(object_type, object_id)
    if period is None:
        return AuditObjectHistory(obj=obj, page=None)
    start, end = period
    page = object_access_history(
        object_type=obj.object_type,
        object_id=obj.object_id,
        containers=obj.containers,
        limit=PAGE_SIZE,
        after=after,
        start=start,
        end=end,
    )
    return AuditObjectHistory(obj=obj, page=page)
