"""Reads of subscribers: who an alert reaches. Never the addresses on a page: counts only,
except on the subscriber's own page and in the audit."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from accounts.models import Municipality, Station

from ..categories.models import Category
from .models import Subscriber


def subscribers_reached(
    *,
    category: Category,
    whole_prefecture: bool,
    stations: Iterable[Station] = (),
    municipalities: Iterable[Municipality] = (),
) -> QuerySet[Subscriber]:
    """Subscribers of the category whose areas meet the alert's: everyone of the category
    for a prefecture-wide alert; else those who chose the whole prefecture, a municipality
    named, or a municipality in a station's area named."""
    chosen = Subscriber.objects.filter(categories=category)
    if whole_prefecture:
        return chosen.distinct()
    area = Q(whole_prefecture=True)
    station_ids = [s.pk for s in stations]
    municipality_ids = [m.pk for m in municipalities]
    if station_ids:
        area |= Q(municipalities__station__in=station_ids)
    if municipality_ids:
        area |= Q(municipalities__in=municipality_ids)
    return chosen.filter(area).distinct()
