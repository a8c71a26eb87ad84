"""Filters of 巡回連絡 lists (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from liaison.cards.models import LiaisonBook


class BookFilterSet(django_filters.FilterSet):
    """The book list narrowed by the name of its station, post or beat."""

    q = django_filters.CharFilter(label="警察署・交番・受持区の名称", method="filter_name")

    class Meta:
        model = LiaisonBook
        fields: list[str] = []

    def filter_name(self, queryset: QuerySet[LiaisonBook], name: str, value: str):
        condition = Q()
        for word in value.split():
            condition &= (
                Q(beat__name__icontains=word)
                | Q(beat__post__name__icontains=word)
                | Q(beat__post__station__name__icontains=word)
            )
        return queryset.filter(condition)
