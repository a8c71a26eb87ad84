"""Filters of the books (django-filter): the list of books by name, and one book's cards by
索引, kind, status, three flags and a name or phone search."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.http import QueryDict

from accounts.utils.filters import CheckFilter, ListFilterSet
from liaison.books.selectors import BOOK_ORDERS, search_filter
from liaison.cards.models import CardKind, CardStatus, LiaisonBook, LiaisonCard


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


ORDER_CHOICES = [("address", "地番順"), ("kana", "50音順")]


ORDER_LABELS = dict(ORDER_CHOICES)


STATUS_CHOICES = [
    (CardStatus.FILED.value, "編てつ済み"),
    (CardStatus.CLOSED.value, "廃止"),
    ("all", "すべて"),
]


class BookCardFilterSet(ListFilterSet):
    """One book's cards (book_card_list: filed and closed) in the order of one of its two
    索引, narrowed; by default the paper book's view, its filed cards in address order."""

    order = django_filters.ChoiceFilter(
        label="並び順", choices=ORDER_CHOICES, empty_label=None, method="filter_order"
    )
    kind = django_filters.ChoiceFilter(label="種別", choices=CardKind.choices, empty_label="すべて")
    status = django_filters.ChoiceFilter(
        label="状態", choices=STATUS_CHOICES, empty_label=None, method="filter_status"
    )
    never_visited = CheckFilter(label="未訪問", method="filter_never_visited")
    attention = CheckFilter(label="要配意", method="filter_attention")
    incomplete = CheckFilter(label="未記入・回答拒否あり", method="filter_incomplete")
    q = django_filters.CharFilter(
        label="氏名・フリガナ・電話番号", max_length=100, method="filter_search"
    )

    defaults = {"order": "address", "status": CardStatus.FILED.value}

    class Meta:
        model = LiaisonCard
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        # The page shows the default 索引 and status as chosen.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        for name in ("order", "status"):
            if not data.get(name):
                data[name] = self.defaults[name]
        super().__init__(data, queryset, **kwargs)

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the list (the 索引 alone does not)."""
        values = self.values
        return (
            values["status"] != self.defaults["status"]
            or any(values[name] for name in ("kind", "never_visited", "attention", "incomplete"))
            or bool(values["q"])
        )

    def filter_order(self, queryset: QuerySet[LiaisonCard], name: str, value: str):
        return queryset.order_by(*BOOK_ORDERS[value])

    def filter_status(self, queryset: QuerySet[LiaisonCard], name: str, value: str):
        return queryset if value == "all" else queryset.filter(status=value)

    def filter_never_visited(self, queryset: QuerySet[LiaisonCard], name: str, value: bool):
        return queryset.filter(last_visit_on__isnull=True) if value else queryset

    def filter_attention(self, queryset: QuerySet[LiaisonCard], name: str, value: bool):
        return queryset.filter(care_count__gt=0) if value else queryset

    def filter_incomplete(self, queryset: QuerySet[LiaisonCard], name: str, value: bool):
        return queryset.exclude(missing=[], declined_summary=[]) if value else queryset

    def filter_search(self, queryset: QuerySet[LiaisonCard], name: str, value: str):
        # Names through the variant-kanji and kana-width folding, phones as digits.
        return queryset.filter(search_filter(value))
