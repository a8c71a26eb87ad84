"""Reads of the access log that depend on who asks, for the search page of the HQ audit:
the search (access_event_search_get: the names in the filters turned into ids, then one
page of events) and the CSV export (access_event_export_get: the events it sends, fixed
before the export is recorded, then their rows), and the 改ざん検知 overview. A person's
timeline and one object's access history are accounts.audit.timeline_selectors.

The search and the export refuse anyone but an HQ auditor (require_auditor); the 改ざん検知
overview is behind its page's door. The building blocks (cursor, filter, rows, keyset
paging) are in accounts.audit.events. A household's name is turned into card ids by the
owning app's resolver, the names themselves never coming back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator

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
    Cursor,
    EventFilter,
    EventPage,
    EventRow,
    FilterResolution,
    event_rows,
    keyset_page,
)

PAGE_SIZE = 50
# An auditor's CSV carries at most this many events; a wider question needs narrower filters.
EXPORT_MAX_ROWS = 100_000
EXPORT_BATCH = 2_000
PERSON_MATCH_LIMIT = 50
# liaison.audit.NAME_MATCH_LIMIT: the resolver returns at most this many cards. Reaching it
# means the name was too vague and the search covers only the first of them.
NAME_MATCH_LIMIT = 200


def require_auditor(user: User) -> None:
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
    require_auditor(user)
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


def _search_page(filters: EventFilter, after: Cursor | None, limit: int) -> EventPage:
    """One page of events matching `filters`, newest first, after the cursor."""
    base, branches = filters.events()
    events, cursor = keyset_page(base, after=after, limit=limit, branches=branches)
    return EventPage(rows=event_rows(events), next_cursor=cursor, is_first=after is None)


@dataclass(frozen=True)
class EventSearch:
    """The search page: how the filters' names resolved (errors and notes for the form), and
    one page of events (None when the names left nothing to search)."""

    resolution: FilterResolution
    page: EventPage | None


def access_event_search_get(
    *, user: User, after: Cursor | None = None, limit: int = PAGE_SIZE, **criteria: Any
) -> EventSearch:
    """`criteria`: what event_filter_resolve takes (the form's resolve_kwargs)."""
    resolution = event_filter_resolve(user=user, **criteria)
    if resolution.filters is None:
        return EventSearch(resolution=resolution, page=None)
    return EventSearch(resolution=resolution, page=_search_page(resolution.filters, after, limit))


@dataclass(frozen=True)
class ExportPlan:
    """The (time, id) of every event an export sends, newest first, fixed before the export
    is recorded: the recorded count is the number of rows in the file."""

    keys: list[tuple[dt.datetime, int]]
    capped: bool  # more matched than EXPORT_MAX_ROWS; these are the newest

    @property
    def count(self) -> int:
        return len(self.keys)


def _export_plan(filters: EventFilter) -> ExportPlan:
    """Below the cap every matching event goes out, so the keys are fetched unordered (bitmap
    scans of whichever indexes fit, cheap even for people or cards with few events among
    millions) and sorted here; beyond it only the newest are wanted, so PostgreSQL is asked
    for them in order."""
    cap = EXPORT_MAX_ROWS
    events = filters.apply(AccessEvent.objects.all())
    keys = list(events.order_by().values_list("occurred_at", "pk")[: cap + 1])
    if len(keys) <= cap:
        keys.sort(reverse=True)
        return ExportPlan(keys=keys, capped=False)
    newest = events.order_by("-occurred_at", "-pk").values_list("occurred_at", "pk")[:cap]
    return ExportPlan(keys=list(newest), capped=True)


def _export_batches(plan: ExportPlan) -> Iterator[EventRow]:
    """The planned events, a batch of EXPORT_BATCH at a time by id, each batch's labels in
    one query per kind: memory bounded by the cap, and no server-side cursor held open while
    the client reads."""
    for index in range(0, plan.count, EXPORT_BATCH):
        batch = [pk for _, pk in plan.keys[index : index + EXPORT_BATCH]]
        found = list(
            AccessEvent.objects.filter(pk__in=batch)
            .select_related("user", "station")
            .defer("prev_hash", "hash")
            .order_by("-occurred_at", "-pk")
        )
        yield from event_rows(found)


@dataclass(frozen=True)
class EventExport:
    """The CSV export: how the filters' names resolved, the plan of the events it sends
    (None when the names left nothing to export), and their rows, read only as the response
    is streamed."""

    resolution: FilterResolution
    plan: ExportPlan | None
    rows: Iterator[EventRow]


def access_event_export_get(*, user: User, **criteria: Any) -> EventExport:
    """`criteria`: what event_filter_resolve takes. The auditor is checked now, not when the
    first row is asked for."""
    resolution = event_filter_resolve(user=user, **criteria)
    if resolution.filters is None:
        return EventExport(resolution=resolution, plan=None, rows=iter(()))
    plan = _export_plan(resolution.filters)
    return EventExport(resolution=resolution, plan=plan, rows=_export_batches(plan))


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
