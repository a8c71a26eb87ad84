"""The filter of the shelf 「現在の地域安全情報」 (django-filter): by kind."""

from __future__ import annotations

import django_filters

from accounts.utils.filters import ListFilterSet
from network.bulletins.models import Bulletin, BulletinKind


class BulletinFilterSet(ListFilterSet):
    kind = django_filters.ChoiceFilter(
        label="種別", choices=BulletinKind.choices, empty_label="すべて"
    )

    class Meta:
        model = Bulletin
        fields: list[str] = []
