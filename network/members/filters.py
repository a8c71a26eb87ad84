"""The filters of the 連絡員一覧表 (django-filter): state (連絡員 unless asked), beat, 市町,
group, concurrent post, and a name search on the folded name (髙橋 finds 高橋)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from accounts.utils.filters import ListFilterSet
from accounts.utils.names import fold_name
from network.members.models import ConcurrentPost, LiaisonMember, MemberStatus

ALL = "all"


class RosterFilterSet(ListFilterSet):
    """member_list narrowed by what the roster's form asks. Beats and groups are those of
    the stations the user reads (given by the view)."""

    STATES = [*MemberStatus.choices, (ALL, "すべて")]
    LABELS = dict(STATES)

    status = django_filters.ChoiceFilter(
        label="状態", choices=STATES, empty_label=None, method="filter_status"
    )
    beat = django_filters.ChoiceFilter(
        label="受持区", choices=[], empty_label="すべて", method="filter_beat"
    )
    municipality = django_filters.ChoiceFilter(
        label="市町", choices=[], empty_label="すべて", method="filter_municipality"
    )
    group = django_filters.ChoiceFilter(
        label="団体", choices=[], empty_label="すべて", method="filter_group"
    )
    post = django_filters.ChoiceFilter(
        label="兼任", choices=ConcurrentPost.choices, empty_label="すべて", method="filter_post"
    )
    q = django_filters.CharFilter(label="氏名・フリガナ", max_length=60, method="filter_q")

    defaults = {"status": MemberStatus.ACTIVE}

    class Meta:
        model = LiaisonMember
        fields: list[str] = []

    def __init__(self, *args: Any, beats=(), groups=(), municipalities=(), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.filters["beat"].extra["choices"] = [
            (str(b.pk), f"{b.post.name} {b.name}") for b in beats
        ]
        self.filters["group"].extra["choices"] = [(str(g.pk), g.name) for g in groups]
        self.filters["municipality"].extra["choices"] = [(m, m) for m in municipalities]

    @property
    def searching(self) -> bool:
        """Whether a name was searched (the access log says 検索 then)."""
        return bool(self.values["q"])

    def filter_status(self, queryset: QuerySet[LiaisonMember], name: str, value: str):
        return queryset if value == ALL else queryset.filter(status=value)

    # Both values were offered as choices: ids of the user's stations' beats and groups.
    def filter_beat(self, queryset: QuerySet[LiaisonMember], name: str, value: str):
        return queryset.filter(beats=int(value))

    def filter_municipality(self, queryset: QuerySet[LiaisonMember], name: str, value: str):
        return queryset.filter(municipality=value)

    def filter_group(self, queryset: QuerySet[LiaisonMember], name: str, value: str):
        return queryset.filter(memberships__group=int(value))

    def filter_post(self, queryset: QuerySet[LiaisonMember], name: str, value: str):
        return queryset.filter(posts__kind=value)

    def filter_q(self, queryset: QuerySet[LiaisonMember], name: str, value: str):
        folded = fold_name(value)
        return queryset.filter(search_key__contains=folded) if folded else queryset
