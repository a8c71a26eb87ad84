"""The filter of the list of 夜間巡回連絡 requests (django-filter): by status, or all."""

from __future__ import annotations

import django_filters

from accounts.utils.filters import ListFilterSet
from liaison.night.models import NightVisitRequest


class NightFilterSet(ListFilterSet):
    """night_request_list narrowed to one status; a status that does not exist shows all."""

    state = django_filters.ChoiceFilter(
        field_name="status",
        label="状態",
        choices=NightVisitRequest.Status.choices,
        empty_label="すべて",
    )

    class Meta:
        model = NightVisitRequest
        fields: list[str] = []
