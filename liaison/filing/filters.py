"""The filter of the submitted cards and drafts (django-filter): a name or phone search and
the card's step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from accounts.utils.filters import ListFilterSet
from liaison.books.selectors import search_filter
from liaison.cards.models import CardStatus, LiaisonCard


class SubmittedFilterSet(ListFilterSet):
    """submitted_card_list narrowed by name or phone and by step. A draft made before
    `stale_before` (filing.selectors.draft_stale_before, which the list's badge reads too)
    is a stale one."""

    STATES = [
        ("draft", "下書き"),
        ("stale", "長く提出されていない下書き"),
        ("unassigned", "受持区の指定待ち"),
        ("assigned", "編てつ待ち（受持区指定済み）"),
    ]

    q = django_filters.CharFilter(
        label="氏名・フリガナ・電話番号で検索", max_length=100, method="filter_search"
    )
    state = django_filters.ChoiceFilter(
        label="状態", choices=STATES, empty_label="すべて", method="filter_state"
    )

    all_or_nothing = True

    class Meta:
        model = LiaisonCard
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, stale_before: dt.datetime, **kwargs: Any):
        super().__init__(data, queryset, **kwargs)
        self.stale_before = stale_before

    def filter_search(self, queryset: QuerySet[LiaisonCard], name: str, value: str):
        # The books' search: variant kanji and kana width folded, phone numbers as digits.
        return queryset.filter(search_filter(value))

    def filter_state(self, queryset: QuerySet[LiaisonCard], name: str, value: str):
        draft, submitted = CardStatus.DRAFT, CardStatus.SUBMITTED
        step = {
            "draft": Q(status=draft),
            "stale": Q(status=draft, created_at__lt=self.stale_before),
            "unassigned": Q(status=submitted, book__isnull=True),
            "assigned": Q(status=submitted, book__isnull=False),
        }
        return queryset.filter(step[value])
