"""The filter of the list of handed cards (django-filter): by state, 回収待ち unless asked."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from accounts.utils.filters import ListFilterSet
from liaison.handouts.models import CardHandout


class HandoutFilterSet(ListFilterSet):
    """handout_list narrowed to one state, or all of them."""

    STATES = [
        ("open", "回収待ち"),
        ("collected", "回収済み"),
        ("given_up", "回収を断念"),
        ("all", "すべて"),
    ]
    LABELS = dict(STATES)

    state = django_filters.ChoiceFilter(
        label="状態", choices=STATES, empty_label=None, method="filter_state"
    )

    defaults = {"state": "open"}

    class Meta:
        model = CardHandout
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet[CardHandout], name: str, value: str):
        return queryset if value == "all" else queryset.filter(status=value)
