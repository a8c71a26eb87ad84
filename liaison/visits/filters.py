"""The filter of the visits outside the hours (django-filter): waiting for the 地域課長等
(the default), acknowledged, or all."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from accounts.utils.filters import ListFilterSet
from liaison.visits import selectors
from liaison.visits.models import Visit


class HoursFilterSet(ListFilterSet):
    """visit_hours_list (state "all") narrowed by acknowledgement, as the selector's
    HOURS_STATES define it."""

    WAITING, DONE, ALL = "waiting", "done", "all"
    LABELS = {WAITING: "未確認", DONE: "確認済み", ALL: "すべて"}

    state = django_filters.ChoiceFilter(
        label="確認の状態", choices=list(LABELS.items()), empty_label=None, method="filter_state"
    )

    defaults = {"state": WAITING}

    class Meta:
        model = Visit
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet[Visit], name: str, value: str):
        return queryset.filter(selectors.HOURS_STATES[value])
