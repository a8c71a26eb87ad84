"""The access log as the audit reads it: the keyset cursor, the search filter (names
already turned into ids), rows labelled without personal data, and keyset paging.

Every list is newest first and paged by keyset, never by OFFSET or a COUNT(*) over the
result: the cursor is the (occurred_at, id) of the last row shown, and the next page asks for
`occurred_at <= t AND (occurred_at < t OR id < last_id)`. The first half is a bound that
PostgreSQL can hand to the (…, -occurred_at) indexes (user, object, station, time), the
second breaks ties between events of the same microsecond; so page 1000 costs what page 1
costs, at ten million rows as at a hundred. A filter with many values (a part of a name: up
to 50 people; a household's name: up to 200 cards) is asked value by value, each an index
range with a LIMIT, and merged (`keyset_page`), so that people or cards with few events do
not make PostgreSQL walk the whole time index.

Auditors see events, never contents: objects are named by `registry.kind(...).describe`
(「カード No.123（署 交番 受持区）」). Who may read is decided by the selectors that build
on these: accounts.audit.selectors and accounts.audit.timeline_selectors.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.db.models import Q, QuerySet

from ..inputs import parse_id, parse_ids
from ..models import AccessEvent, Role, Station
from ..utils.cursors import keyset_after, keyset_decode, keyset_encode
from . import registry

CARD = "liaison.liaisoncard"
STATION = "accounts.station"

_ROLE_LABELS = dict(Role.choices)

# --- Cursor ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """The (occurred_at, id) of the last row shown: the next page starts after it."""

    occurred_at: dt.datetime
    pk: int

    def encode(self) -> str:
        return keyset_encode(self.occurred_at, self.pk)

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        """None for anything that is not a cursor this module wrote."""
        decoded = keyset_decode(text, int)
        if decoded is None:
            return None
        occurred_at, (pk,) = decoded
        return cls(occurred_at=occurred_at, pk=int(pk))

    def condition(self) -> Q:
        return keyset_after("occurred_at", self.occurred_at, Q(pk__lt=self.pk))


# --- Filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFilter:
    """What an auditor asked for, with names already turned into ids. None: not filtered."""

    user_ids: tuple[int, ...] | None = None
    station_id: int | None = None
    card_ids: tuple[str, ...] | None = None
    action: str | None = None
    start: dt.datetime | None = None  # inclusive
    end: dt.datetime | None = None  # exclusive
    out_of_scope: bool = False
    break_glass: bool = False
    # Which filters were used, for the access log: 「職員・期間」. Never their values.
    used: tuple[str, ...] = ()

    def apply(
        self, events: QuerySet[AccessEvent], *, branched: bool = False
    ) -> QuerySet[AccessEvent]:
        """The conditions; with `branched`, without the one that `branches()` splits."""
        fan = self._fan() if branched else None
        if self.user_ids is not None and fan != "user":
            if len(self.user_ids) == 1:
                events = events.filter(user_id=self.user_ids[0])
            else:
                events = events.filter(user_id__in=self.user_ids)
        if self.station_id is not None:
            events = events.filter(station_id=self.station_id)
        if self.card_ids is not None and fan != "card":
            if len(self.card_ids) == 1:
                events = events.filter(object_type=CARD, object_id=self.card_ids[0])
            else:
                events = events.filter(object_type=CARD, object_id__in=self.card_ids)
        if self.action:
            events = events.filter(action=self.action)
        if self.start is not None:
            events = events.filter(occurred_at__gte=self.start)
        if self.end is not None:
            events = events.filter(occurred_at__lt=self.end)
        if self.out_of_scope:
            events = events.filter(out_of_scope=True)
        if self.break_glass:
            events = events.filter(break_glass=True)
        return events

    def _fan(self) -> str | None:
        if self.user_ids is not None and len(self.user_ids) > 1:
            return "user"
        if self.card_ids is not None and len(self.card_ids) > 1:
            return "card"
        return None

    def branches(self) -> list[Q] | None:
        """A filter over many people (a name part) or many cards (a household's name), one
        condition per value (see keyset_page), to go with apply(branched=True). None when no
        filter has more than one value."""
        fan = self._fan()
        if fan == "user" and self.user_ids is not None:
            return [Q(user_id=pk) for pk in self.user_ids]
        if fan == "card" and self.card_ids is not None:
            return [Q(object_type=CARD, object_id=pk) for pk in self.card_ids]
        return None

    def events(self) -> tuple[QuerySet[AccessEvent], list[Q] | None]:
        """What keyset_page takes: the base query and its branches."""
        branches = self.branches()
        if branches and connection.features.supports_slicing_ordering_in_compound:
            return self.apply(AccessEvent.objects.all(), branched=True), branches
        return self.apply(AccessEvent.objects.all()), None

    def used_label(self) -> str:
        return "・".join(self.used) if self.used else "条件なし"


@dataclass
class FilterResolution:
    """Names turned into ids, and what the auditor should be told about them."""

    filters: EventFilter | None  # None: nothing to search (see errors)
    errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # The cards a household's name matched, as labels without personal data.
    matched_cards: list[tuple[str, str]] = field(default_factory=list)
    # Which filters were asked for (as EventFilter.used), also when they matched nothing.
    used: tuple[str, ...] = ()

    def used_label(self) -> str:
        return "・".join(self.used) if self.used else "条件なし"


# --- Rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventRow:
    """One event ready to show: the event (with user and station), labels that carry no
    personal data, and where its target's history is (registered kinds only)."""

    event: AccessEvent
    role_label: str
    target: str
    target_type: str = ""  # set when the target has an audit page (a registered kind)
    target_id: str = ""
    # In an object's history, an export of its book or station: 「巡回連絡簿ごとの出力」.
    via: str = ""


@dataclass(frozen=True)
class EventPage:
    rows: list[EventRow]
    next_cursor: str | None
    is_first: bool


def role_label(codes: str) -> str:
    """'chief,supervisor' → 「管理主任者・取扱責任者」."""
    return "・".join(_ROLE_LABELS.get(code, code) for code in codes.split(",") if code)


def plain_label(object_type: str, object_id: str) -> str:
    """An object no app describes: its model's name and id (no query)."""
    if not object_type:
        return ""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        name = object_type
    else:
        name = str(model._meta.verbose_name)
    return f"{name} No.{object_id}" if object_id else name


def describe(pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Labels for (object_type, object_id) pairs: one query per described kind present."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for object_type, object_id in pairs:
        if object_id and object_id not in by_type[object_type]:
            by_type[object_type].append(object_id)
    labels: dict[tuple[str, str], str] = {}
    for object_type, ids in by_type.items():
        kind = registry.kind(object_type)
        found: dict[str, str] = {}
        if kind is not None and kind.describe is not None:
            found = kind.describe(ids)
        elif object_type == STATION:
            digits = parse_ids(ids)
            found = {
                str(pk): f"警察署（{name}）"
                for pk, name in Station.objects.filter(pk__in=digits).values_list("pk", "name")
            }
        for object_id in ids:
            labels[(object_type, object_id)] = found.get(object_id) or plain_label(
                object_type, object_id
            )
    return labels


def event_rows(events: list[AccessEvent]) -> list[EventRow]:
    labels = describe({(e.object_type, e.object_id) for e in events})
    rows = []
    for event in events:
        key = (event.object_type, event.object_id)
        label = labels.get(key) or plain_label(*key)
        # An event is evidence of what was asked for, an id of twenty digits included: it is
        # shown as it is, and linked only when it names an object that can exist.
        linked = (
            registry.kind(event.object_type) is not None and parse_id(event.object_id) is not None
        )
        rows.append(
            EventRow(
                event=event,
                role_label=role_label(event.role),
                target=label,
                target_type=event.object_type if linked else "",
                target_id=event.object_id if linked else "",
            )
        )
    return rows


# Up to this many branches are merged inside the page's one query (their rows are few); more
# (a name part: up to 50 people) are merged first, so that only the page's rows are read.
INLINE_BRANCHES = 4


def keyset_page(
    events: QuerySet[AccessEvent],
    *,
    after: Cursor | None,
    limit: int,
    branches: list[Q] | None = None,
) -> tuple[list[AccessEvent], str | None]:
    """The newest `limit` events after the cursor, and the cursor of the next page (None:
    this is the last page). One query; two when the filter has more than INLINE_BRANCHES
    branches."""
    if after is not None:
        events = events.filter(after.condition())
    order = ("-occurred_at", "-pk")
    if branches:
        # `user_id IN (50 ids)` ORDER BY time cannot walk one index in order: PostgreSQL walks
        # the time index and filters, which reads the whole table when those people (or
        # cards) have few events (4-6 s at ten million rows); an OR of a card and its book's
        # exports gathers every export of the book and sorts them. The newest rows of each
        # value apart, each an index range with a LIMIT, merged: bounded whatever the values.
        if len(branches) == 1:
            events = events.filter(branches[0])
        elif len(branches) <= INLINE_BRANCHES:
            ids = [
                events.filter(branch).order_by(*order).values_list("pk", flat=True)[: limit + 1]
                for branch in branches
            ]
            first, *rest = ids
            events = AccessEvent.objects.filter(pk__in=first.union(*rest, all=True))
        else:
            parts = [
                events.filter(branch).order_by(*order).values_list("pk", "occurred_at")[: limit + 1]
                for branch in branches
            ]
            first, *rest = parts
            newest = first.union(*rest, all=True).order_by("-occurred_at", "-pk")[: limit + 1]
            events = AccessEvent.objects.filter(pk__in=[pk for pk, _ in newest])
    # The hashes are the integrity check's, never shown on a page: 128 bytes a row not read.
    found = list(
        events.select_related("user", "station")
        .defer("prev_hash", "hash")
        .order_by(*order)[: limit + 1]
    )
    more = len(found) > limit
    found = found[:limit]
    cursor = Cursor(found[-1].occurred_at, found[-1].pk).encode() if more else None
    return found, cursor
