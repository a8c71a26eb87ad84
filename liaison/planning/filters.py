"""The filter of the officer's worklist (django-filter): one of his beats, and the overdue
cards only."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from accounts.models import Beat
from accounts.utils.filters import CheckFilter, ListFilterSet


class WorklistFilterSet(ListFilterSet):
    """The beat to show, when the officer has several, and the overdue cards only (the home
    page's 「期限超過」 links here). It reads and checks the query string but narrows no
    cards: the worklist is a list that planning.selectors.worklist_get builds in Python (each
    card's due date and priority from the DueRule, with the figures of the same beats), so
    the chosen beat goes to that selector (`values["beat"]`, an id or None) and the view
    keeps the overdue items (`values["overdue"]`). `.qs` is the beats the worklist covers.

    The choices are the beats the page has already read: no query to draw or check them."""

    beat = django_filters.TypedChoiceFilter(
        field_name="pk", label="受持区", coerce=int, empty_value=None
    )
    overdue = CheckFilter(label="期限超過のカードだけを表示", method="filter_overdue")

    defaults = {"beat": None, "overdue": False}
    all_or_nothing = True

    class Meta:
        model = Beat
        fields: list[str] = []

    def __init__(self, data=None, *, beats: list[Beat], **kwargs: Any) -> None:
        super().__init__(data, Beat.objects.filter(pk__in=[b.pk for b in beats]), **kwargs)
        self.form.fields["beat"].choices = [("", "すべての受持区")] + [
            (b.pk, f"{b.post.name} {b.name}") for b in beats
        ]

    def filter_overdue(self, queryset: QuerySet[Beat], name: str, value: bool):
        # A property of cards, not of beats: the view keeps the overdue items.
        return queryset
