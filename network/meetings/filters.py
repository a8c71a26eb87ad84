"""The filter of 地域安全の会 (django-filter): by year and month of the meeting."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from accounts.utils.filters import ListFilterSet
from network.meetings.models import SafetyMeeting

MONTHS = [(str(m), f"{m}月") for m in range(1, 13)]


class MeetingFilterSet(ListFilterSet):
    year = django_filters.NumberFilter(
        label="年", method="filter_year", min_value=2000, max_value=2100
    )
    month = django_filters.ChoiceFilter(
        label="月", choices=MONTHS, empty_label="すべて", method="filter_month"
    )

    class Meta:
        model = SafetyMeeting
        fields: list[str] = []

    def filter_year(self, queryset: QuerySet[SafetyMeeting], name: str, value: int):
        return queryset.filter(held_on__year=value)

    def filter_month(self, queryset: QuerySet[SafetyMeeting], name: str, value: str):
        return queryset.filter(held_on__month=int(value))
