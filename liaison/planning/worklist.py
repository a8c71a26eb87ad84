"""The beat officer's worklist (巡回連絡の予定): the due cards of his beats not tried today,
the most pressing first, with the figures of the same beats; and those figures alone for
his home page.

The order (priority, then address) and the page are made in the database: a beat holds
thousands of due cards and the page shows fifty, so only those fifty are read and built.
The due dates are the DueRule's (planning.selectors), in SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, ExpressionWrapper, F, IntegerField, OuterRef, Q, QuerySet

from accounts import permissions
from accounts.models import Beat, User
from accounts.utils import dates
from liaison.cards.models import LiaisonCard
from liaison.planning.models import DedicatedDay, VisitPolicy
from liaison.planning.selectors import (
    DueRule,
    _due_aggregates,
    _due_figures,
    card_due_count,
    due_card_list,
    due_rule_get,
)

WORK_COLUMNS = (
    "pk",
    "kind",
    "status",
    "book__beat__name",
    "head_name",
    "head_kana",
    "town",
    "banchi",
    "building",
    "room",
    "phone",
    "care_elderly_only",
    "care_elderly_alone",
    "care_needs_support",
    "care_foreign",
    "care_language",
    "care_count",
    "last_visit_on",
    "last_attempt_on",
    "filed_at",
    "created_at",
    "address_key",
    "station_id",
    "book_id",
)


NO_FIGURES = {"to_visit": 0, "visited": 0, "due": 0, "overdue": 0}


@dataclass
class WorkItem:
    card: LiaisonCard
    due_on: dt.date
    overdue_days: int
    priority: int


def _item(card: LiaisonCard) -> WorkItem:
    """A card read in the worklist's order (_in_order), with its annotations."""
    annotated = card.__dict__
    return WorkItem(card, annotated["due_on"], annotated["overdue_days"], annotated["priority"])


@dataclass
class Worklist:
    """The officer's round and its figures, which are the progress page's for his beats.

    The cards are read a page at a time (`page`), all of them for the route sheet
    (`items`); `listed` and `listed_overdue` count them, read with the figures."""

    figures: dict[str, int]  # card_due_count: to_visit, visited, due, overdue
    rule: DueRule | None
    mine: QuerySet[LiaisonCard]  # every card of the beats
    listed: int = 0
    listed_overdue: int = 0

    def cards(self, *, overdue_only: bool = False) -> QuerySet[LiaisonCard]:
        """The listed cards (due, or overdue only; not tried today), in no order."""
        if self.rule is None:
            return self.mine.none()
        due = due_card_list(cards=self.mine, rule=self.rule, overdue_only=overdue_only)
        return due.exclude(last_attempt_on=self.rule.today)

    def count(self, *, overdue_only: bool = False) -> int:
        return self.listed_overdue if overdue_only else self.listed

    def page(self, start: int, stop: int, *, overdue_only: bool = False) -> list[WorkItem]:
        """One page of the listed cards in the worklist's order, in one query: the page's
        ids are found and ordered on the liaison_card_book_due index alone (no row of the
        beat is read for it), then only those rows are read."""
        if self.rule is None or stop <= start:
            return []
        ids = _in_order(self.cards(overdue_only=overdue_only), self.rule).values("pk")
        rows = LiaisonCard.objects.filter(pk__in=ids[start:stop])
        return [_item(card) for card in _in_order(_work_columns(rows), self.rule)]

    @cached_property
    def items(self) -> list[WorkItem]:
        """Every listed card in order (the route sheet; tests)."""
        if self.rule is None:
            return []
        cards = _in_order(_work_columns(self.cards()), self.rule)
        return [_item(card) for card in cards]

    @property
    def tried_today(self) -> int:
        """Due, but tried today (不在): off today's list, still due."""
        return self.figures["due"] - self.listed


def officer_beat_list(user: User, *, dedicated_month: dt.date | None = None) -> list[Beat]:
    """The beats the user records visits in, by station, post and name, in one query with
    what the worklist needs of them: post, station, and the HQ's visit-frequency policy
    (`post.station.headquarters.visit_policy`, missing until HQ sets one); given a month,
    `dedicated_days`: his 専従日 of that month in the beat's station."""
    beats = (
        permissions.beats_for(user, "record_visits")
        .select_related("post__station__headquarters__visit_policy")
        .order_by("post__station__code", "post__name", "name")
    )
    if dedicated_month is None:
        return list(beats)
    start = dates.month_first(dedicated_month)
    end = dates.months_add(start, 1)
    days = DedicatedDay.objects.filter(officer_id=user.pk, date__gte=start, date__lt=end)
    if connection.vendor == "postgresql":
        # In the beats' own query (an array per beat).
        stations = days.filter(station_id=OuterRef("post__station_id")).values("date")
        return list(beats.annotate(dedicated_days=ArraySubquery(stations)))
    # SQLite (make run) has no arrays: one more query.
    found = list(beats)
    by_station: dict[int, list[dt.date]] = {}
    for station_id, day in days.filter(
        station_id__in={beat.post.station_id for beat in found}
    ).values_list("station_id", "date"):
        by_station.setdefault(station_id, []).append(day)
    for beat in found:
        beat.dedicated_days = by_station.get(beat.post.station_id, [])  # type: ignore[attr-defined]
    return found


def _policy_of(beat: Beat) -> VisitPolicy:
    """The policy read with the beat (officer_beat_list); HQ's defaults until HQ sets one."""
    headquarters = beat.post.station.headquarters
    try:
        return headquarters.visit_policy
    except VisitPolicy.DoesNotExist:
        return VisitPolicy(headquarters_id=headquarters.pk)


def _work_scope(
    user: User, today: dt.date, beat_id: int | None, beats: list[Beat] | None
) -> tuple[list[int], DueRule | None]:
    """The ids of the officer's beats (or of one of them) and the rule of their stations.
    Beats read by officer_beat_list bring their policy: one query less."""
    found = officer_beat_list(user) if beats is None else beats
    if beat_id is not None:
        found = [beat for beat in found if beat.pk == beat_id]
    if not found:
        return [], None
    rule = due_rule_get(
        headquarters_id=found[0].post.station.headquarters_id,
        station_ids=sorted({beat.post.station_id for beat in found}),
        today=today,
        policy=_policy_of(found[0]),
    )
    return [beat.pk for beat in found], rule


def _work_columns(cards: QuerySet[LiaisonCard]) -> QuerySet[LiaisonCard]:
    return cards.select_related("book__beat").only(*WORK_COLUMNS)


def _in_order(cards: QuerySet[LiaisonCard], rule: DueRule) -> QuerySet[LiaisonCard]:
    """By priority (overdue days × (1 + care points), so a card with care points climbs
    faster), then by address; with due_on, overdue_days and priority annotated."""
    return (
        cards.annotate(
            due_on=rule.due_on_expression(),
            overdue_days=rule.overdue_days_expression(),
        )
        .annotate(
            priority=ExpressionWrapper(
                F("overdue_days") * (F("care_count") + 1), output_field=IntegerField()
            )
        )
        .order_by("-priority", "address_key", "pk")
    )


def worklist_get(
    *,
    user: User,
    today: dt.date,
    beat_id: int | None = None,
    beats: list[Beat] | None = None,
) -> Worklist:
    """The officer's round: the due cards of his current beats (due_card_list) not tried
    today, most pressing first; with the figures of the same beats (card_due_count) and how
    many are listed, in one aggregate. Pass the beats of officer_beat_list if the caller
    has them. Reads nothing of the cards until a page of them is asked for."""
    ids, rule = _work_scope(user, today, beat_id, beats)
    mine = LiaisonCard.objects.filter(book_id__in=ids)
    if rule is None:
        return Worklist(figures=dict(NO_FIGURES), rule=None, mine=mine)
    counted = rule.counted_q()
    tried = Q(last_attempt_on=today)
    row = mine.aggregate(
        **_due_aggregates(rule),
        tried_due=Count("pk", filter=counted & ~rule.not_due_q() & tried),
        tried_overdue=Count("pk", filter=counted & ~rule.not_overdue_q() & tried),
    )
    figures = _due_figures(row)
    return Worklist(
        figures=figures,
        rule=rule,
        mine=mine,
        listed=figures["due"] - row["tried_due"],
        listed_overdue=figures["overdue"] - row["tried_overdue"],
    )


def worklist_figures_get(*, user: User, today: dt.date) -> dict[str, int]:
    """The figures of the officer's worklist without its rows, for his home page."""
    ids, rule = _work_scope(user, today, None, None)
    if rule is None:
        return dict(NO_FIGURES)
    return card_due_count(cards=LiaisonCard.objects.filter(book_id__in=ids), rule=rule)
