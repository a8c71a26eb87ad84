"""Reads of the access log that depend on who asks: the HQ auditors' search and CSV export,
a person's timeline and activity summary, an object's access history (also for the card
page's 「閲覧・印刷・出力の記録」 panel), and the 改ざん検知 overview.

Each selector refuses anyone but an HQ auditor (object_access_history excepted: its caller
decides). The building blocks (cursor, filter, rows, keyset paging) are in
accounts.audit.events. A household's name is turned into card ids by the owning app's
resolver, the names themselves never coming back.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from .. import permissions
from ..exceptions import PermissionDenied
from ..models import (
    AccessChainHead,
    AccessEvent,
    AccessLogCheck,
    AccessLogPurge,
    Station,
    User,
)
from ..selectors import employee_number_of, user_name_filter
from . import registry
from .events import (
    CARD,
    STATION,
    Cursor,
    EventFilter,
    EventPage,
    EventRow,
    FilterResolution,
    event_rows,
    keyset_page,
    plain_label,
    role_label,
)

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
PAGE_SIZE = 50
# An auditor's CSV carries at most this many events; a wider question needs narrower filters.
EXPORT_MAX_ROWS = 100_000
EXPORT_BATCH = 2_000
PERSON_MATCH_LIMIT = 50
# liaison.audit.NAME_MATCH_LIMIT: the resolver returns at most this many cards. Reaching it
# means the name was too vague and the search covers only the first of them.
NAME_MATCH_LIMIT = 200
# The person page's summary when no period is given: the last 30 days.
SUMMARY_DAYS = 30
# The card page's panel: what was done with the card's contents.
CARD_PANEL_ACTIONS = (
    AccessEvent.Action.VIEW,
    AccessEvent.Action.PRINT,
    AccessEvent.Action.EXPORT,
)

_MICRO = dt.timedelta(microseconds=1)


def _require_auditor(user: User) -> None:
    if not permissions.can_audit(user):
        raise PermissionDenied("閲覧記録の監査は本部の監査担当者のみが行えます。")


# --- Filters ---------------------------------------------------------------------------------


def people_matching(term: str) -> tuple[list[int], bool]:
    """The users a person filter means: the one whose 職員番号 is `term`, else those whose
    氏名 or フリガナ contains it (accounts.selectors.user_name_filter: the same folding as
    every name search), at most PERSON_MATCH_LIMIT. Second value: whether more matched
    than were taken."""
    number = employee_number_of(term)
    if not number:
        return [], False
    exact = list(User.objects.filter(employee_number=number).values_list("pk", flat=True)[:1])
    if exact:
        return exact, False
    rows = list(
        User.objects.filter(user_name_filter(term))
        .order_by("employee_number")
        .values_list("pk", flat=True)[: PERSON_MATCH_LIMIT + 1]
    )
    return rows[:PERSON_MATCH_LIMIT], len(rows) > PERSON_MATCH_LIMIT


def event_filter_resolve(
    *,
    user: User,
    person: str = "",
    station: Station | None = None,
    card: int | None = None,
    household: str = "",
    action: str = "",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    out_of_scope: bool = False,
    break_glass: bool = False,
) -> FilterResolution:
    """The form's cleaned values → an EventFilter. A person or a household's name that
    matches nobody is an error at its field (there is nothing to search)."""
    _require_auditor(user)
    used: list[str] = []
    errors: dict[str, str] = {}
    notes: list[str] = []
    matched: list[tuple[str, str]] = []
    user_ids: tuple[int, ...] | None = None
    card_ids: tuple[str, ...] | None = None
    if person.strip():
        used.append("職員")
        ids, more = people_matching(person)
        if not ids:
            errors["person"] = "該当する職員がいません。職員番号か氏名の一部を確かめてください。"
        elif more:
            notes.append(
                f"氏名に当てはまる職員が{PERSON_MATCH_LIMIT}人を超えたため、"
                f"最初の{PERSON_MATCH_LIMIT}人（職員番号順）の記録を表示しています。"
            )
        user_ids = tuple(ids)
    if station is not None:
        used.append("警察署")
    if card is not None:
        used.append("カード")
        card_ids = (str(card),)
    if household.strip():
        used.append("世帯・事業所名")
        kind = registry.kind(CARD)
        if kind is None or kind.resolve_name is None:
            errors["household"] = "世帯主・事業所名による検索は利用できません。"
        else:
            ids_by_name = [str(i) for i in kind.resolve_name(household)]
            if not ids_by_name:
                errors["household"] = "この名前に当てはまる世帯・事業所のカードはありません。"
            else:
                if len(ids_by_name) >= NAME_MATCH_LIMIT:
                    notes.append(
                        f"名前に当てはまるカードが{NAME_MATCH_LIMIT}件以上あったため、"
                        f"最初の{len(ids_by_name)}件について表示しています。"
                        "名前をより詳しく入力してください。"
                    )
                labels = kind.describe(ids_by_name) if kind.describe else {}
                matched = [(i, labels.get(i, f"カード No.{i}")) for i in ids_by_name]
                # Both a card number and a name: the card must be one the name matched.
                card_ids = (
                    tuple(i for i in card_ids if i in set(ids_by_name))
                    if card_ids is not None
                    else tuple(ids_by_name)
                )
    if action:
        used.append("操作")
    if start is not None or end is not None:
        used.append("期間")
    if out_of_scope:
        used.append("担当範囲外")
    if break_glass:
        used.append("緊急閲覧")
    if errors:
        return FilterResolution(filters=None, errors=errors, notes=notes, used=tuple(used))
    filters = EventFilter(
        user_ids=user_ids,
        station_id=station.pk if station is not None else None,
        card_ids=card_ids,
        action=action or None,
        start=start,
        end=end,
        out_of_scope=out_of_scope,
        break_glass=break_glass,
        used=tuple(used),
    )
    return FilterResolution(filters=filters, notes=notes, matched_cards=matched, used=tuple(used))


# --- Search and export ---------------------------------------------------------------------


def access_event_search(
    *, user: User, filters: EventFilter, after: Cursor | None = None, limit: int = PAGE_SIZE
) -> EventPage:
    """One page of events matching `filters`, newest first, after the cursor."""
    _require_auditor(user)
    base, branches = filters.events()
    events, cursor = keyset_page(base, after=after, limit=limit, branches=branches)
    return EventPage(rows=event_rows(events), next_cursor=cursor, is_first=after is None)


@dataclass(frozen=True)
class ExportPlan:
    """The (time, id) of every event an export sends, newest first, fixed before the export
    is recorded: the recorded count is the number of rows in the file."""

    keys: list[tuple[dt.datetime, int]]
    capped: bool  # more matched than EXPORT_MAX_ROWS; these are the newest

    @property
    def count(self) -> int:
        return len(self.keys)


def access_event_export_plan(*, user: User, filters: EventFilter) -> ExportPlan:
    """Below the cap every matching event goes out, so the keys are fetched unordered (bitmap
    scans of whichever indexes fit, cheap even for people or cards with few events among
    millions) and sorted here; beyond it only the newest are wanted, so PostgreSQL is asked
    for them in order."""
    _require_auditor(user)
    cap = EXPORT_MAX_ROWS
    events = filters.apply(AccessEvent.objects.all())
    keys = list(events.order_by().values_list("occurred_at", "pk")[: cap + 1])
    if len(keys) <= cap:
        keys.sort(reverse=True)
        return ExportPlan(keys=keys, capped=False)
    newest = events.order_by("-occurred_at", "-pk").values_list("occurred_at", "pk")[:cap]
    return ExportPlan(keys=list(newest), capped=True)


def access_event_export_rows(*, user: User, plan: ExportPlan) -> Iterator[EventRow]:
    """The planned events, a batch of EXPORT_BATCH at a time by id, each batch's labels in
    one query per kind: memory bounded by the cap, and no server-side cursor held open while
    the client reads."""
    _require_auditor(user)  # now, not when the first row is asked for
    return _export_batches(plan)


def _export_batches(plan: ExportPlan) -> Iterator[EventRow]:
    for index in range(0, plan.count, EXPORT_BATCH):
        batch = [pk for _, pk in plan.keys[index : index + EXPORT_BATCH]]
        found = list(
            AccessEvent.objects.filter(pk__in=batch)
            .select_related("user", "station")
            .defer("prev_hash", "hash")
            .order_by("-occurred_at", "-pk")
        )
        yield from event_rows(found)


# --- A person's timeline ----------------------------------------------------------------------


@dataclass(frozen=True)
class ActivitySummary:
    start: dt.date
    end: dt.date  # inclusive
    by_action: list[tuple[str, int]]  # (label, count), most first
    total: int
    active_days: int


def audit_person_get(*, user: User, pk: int) -> User:
    _require_auditor(user)
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404("職員が見つかりません。")
    return person


def person_timeline(
    *,
    user: User,
    person: User,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> EventPage:
    _require_auditor(user)
    filters = EventFilter(user_ids=(person.pk,), start=start, end=end)
    return access_event_search(user=user, filters=filters, after=after, limit=limit)


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


def person_activity_summary(
    *, user: User, person: User, start: dt.datetime | None, end: dt.datetime | None
) -> ActivitySummary:
    """Counts by action and the days with any event, Tokyo days, in one grouped query; over
    the period asked for, or (a bound not given) the last SUMMARY_DAYS days."""
    _require_auditor(user)
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


# --- One object's history ----------------------------------------------------------------------


@dataclass(frozen=True)
class AuditObject:
    """An object as the audit names it: its kind, id, label, and the containers whose exports
    carried it."""

    object_type: str
    object_id: str
    label: str
    containers: list[tuple[str, str]]


def audit_object_get(*, user: User, object_type: str, object_id: str) -> AuditObject:
    """404 for a kind nobody registered or an id that names nothing."""
    _require_auditor(user)
    kind = registry.kind(object_type)
    if kind is None or kind.describe is None:
        raise Http404("対象が見つかりません。")
    label = kind.describe([object_id]).get(object_id)
    if not label:
        raise Http404("対象が見つかりません。")
    containers = kind.containers(object_id) if kind.containers is not None else []
    return AuditObject(object_type, object_id, label, containers)


def _object_events(
    *,
    object_type: str,
    object_id: str,
    containers: Collection[tuple[str, str]],
    actions: Collection[str] | None,
) -> QuerySet[AccessEvent]:
    own = Q(object_type=object_type, object_id=object_id)
    if actions is not None:
        own &= Q(action__in=list(actions))
    condition = own
    # An export of the book or the station carried this card too; nothing else of theirs.
    for container_type, container_id in containers:
        condition |= Q(
            object_type=container_type,
            object_id=container_id,
            action=AccessEvent.Action.EXPORT,
        )
    return AccessEvent.objects.filter(condition)


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
    card_actions' "access_history"). One query, each OR branch an index range of
    (object_type, object_id, -occurred_at).
    """
    events = _object_events(
        object_type=object_type, object_id=object_id, containers=containers, actions=actions
    )
    if start is not None:
        events = events.filter(occurred_at__gte=start)
    if end is not None:
        events = events.filter(occurred_at__lt=end)
    found, cursor = keyset_page(events, after=after, limit=limit)
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


def audit_object_history(
    *,
    user: User,
    obj: AuditObject,
    after: Cursor | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> EventPage:
    _require_auditor(user)
    return object_access_history(
        object_type=obj.object_type,
        object_id=obj.object_id,
        containers=obj.containers,
        limit=PAGE_SIZE,
        after=after,
        start=start,
        end=end,
    )


# --- 改ざん検知 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntegrityOverview:
    checks: Page  # verify_access_log runs, newest first
    purges: list[AccessLogPurge]  # the latest retention runs
    chains: int


def integrity_overview(*, page_number: str | int | None = 1) -> IntegrityOverview:
    """What the 改ざん検知 page shows: verification runs, retention runs, the chain count."""
    return IntegrityOverview(
        checks=Paginator(AccessLogCheck.objects.all(), 20).get_page(page_number),
        purges=list(AccessLogPurge.objects.all()[:10]),
        chains=AccessChainHead.objects.count(),
    )
