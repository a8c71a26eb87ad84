"""What the FilterSets of every list page share (django-filter): a FilterSet that is
always bound and reads an absent, empty or refused value as the filter's default, and a
check-box filter.

A list page filters from its query string, and a link or an old bookmark may carry a value
the form refuses (a state that does not exist, a beat the officer no longer has). Such a
value narrows nothing beyond the default: the page shows the default list, and the form
keeps the value with its error so that the page can say so. django-filter's own FilterSet
would instead drop the refused filter, which for a filter with a default (回収待ち, 未確認,
編てつ済み) shows a different list.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict


class CheckFilter(django_filters.Filter):
    """A check box: on or off, never "unknown" (django-filter's BooleanFilter is a
    three-way choice). Give it a `method`: an unticked box narrows nothing."""

    field_class = forms.BooleanField


class ListFilterSet(django_filters.FilterSet):
    """A list page's filters. `values` holds what each filter applies; `.qs` narrows the
    queryset the feature's selector returned by those values."""

    # What an absent, empty or refused value means, by filter name; a filter not named here
    # narrows nothing then.
    defaults: ClassVar[Mapping[str, Any]] = {}

    # True: a value refused in any field drops every filter, not only its own (the
    # submitted list and the worklist have always read their query string so).
    all_or_nothing: ClassVar[bool] = False

    def __init__(
        self, data: QueryDict | None = None, queryset: QuerySet | None = None, **kwargs: Any
    ) -> None:
        # Always bound: a page opened without a query string shows the defaults' list.
        super().__init__(data if data is not None else QueryDict(), queryset, **kwargs)

    @cached_property
    def values(self) -> dict[str, Any]:
        """Each filter's value: the cleaned one, else its default (else "")."""
        valid = self.form.is_valid()
        cleaned = self.form.cleaned_data if valid or not self.all_or_nothing else {}
        values = {}
        for name in self.filters:
            value = None if name in self.form.errors else cleaned.get(name)
            values[name] = self.defaults.get(name, "") if value in (None, "") else value
        return values

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        for name, value in self.values.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset
