"""The filter of the station's exchanges (django-filter): by month, department, member and
occasion; the choices are the user's stations' own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import QuerySet

from accounts.forms.fields import MonthField
from accounts.models import User
from accounts.utils import dates
from accounts.utils.filters import ListFilterSet
from network.exchanges import selectors
from network.exchanges.models import Exchange, ExchangeOccasion
from network.members.models import LiaisonMember
from network.members.selectors import member_list


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class ExchangeFilterSet(ListFilterSet):
    month = MonthFilter(label="月", method="filter_month")
    department = django_filters.ModelChoiceFilter(label="課", queryset=None, empty_label="すべて")
    member = django_filters.ModelChoiceFilter(label="連絡員", queryset=None, empty_label="すべて")
    occasion = django_filters.ChoiceFilter(
        label="機会", choices=ExchangeOccasion.choices, empty_label="すべて"
    )

    class Meta:
        model = Exchange
        fields: list[str] = []

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["department"].queryset = selectors.exchange_department_choices(user=user)
        members: QuerySet[LiaisonMember] = member_list(user=user).filter(
            pk__in=selectors.exchange_list(user=user).values("member_id")
        )
        self.filters["member"].queryset = members.order_by("name_kana", "pk")

    def filter_month(self, queryset: QuerySet[Exchange], name: str, first: dt.date):
        return queryset.filter(held_on__gte=first, held_on__lt=dates.months_add(first, 1))
