"""Reads of the public archive (no sign-in): the sent alerts, filtered by area, category
and month (Tokyo time), one alert's page with its first alert and follow-ups, and the
choices the filter offers. Only alerts.archive.policy's public alerts are ever returned;
anything else is a 404 (ArchiveNotFound)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import Municipality, Station
from accounts.utils.dates import month_bounds

from ..categories.models import Category
from ..chain.models import Scope
from ..drafts.models import Alert
from .policy import PUBLIC_STATUSES

WHOLE_PREFECTURE = "県内全域"


class ArchiveNotFound(Http404):
    """Not in the archive: unknown, or not sent (draft, in review, scheduled, cancelled)."""


@dataclass(frozen=True)
class Area:
    """An area a resident filters by: a municipality, or a police station's whole area."""

    key: str  # "m-<団体コード>" or "s-<署コード>", as in the URL
    label: str
    municipality: Municipality | None = None
    station: Station | None = None


def archive_alerts() -> QuerySet[Alert]:
    """Every public alert, newest first, with what the list and the feeds show."""
    return (
        Alert.objects.filter(sending_started_at__isnull=False, status__in=PUBLIC_STATUSES)
        .select_related("category", "author_station", "author_division")
        .prefetch_related(
            Prefetch("area_stations", queryset=Station.objects.order_by("code")),
            Prefetch(
                "area_municipalities",
                queryset=Municipality.objects.select_related("station").order_by("code"),
            ),
        )
        .order_by("-sending_started_at", "-pk")
    )


def archive_list(
    *,
    area: Area | None = None,
    category: Category | None = None,
    month: dt.date | None = None,
) -> QuerySet[Alert]:
    """The public alerts that reached the area (a prefecture-wide one reaches every area),
    of the category, sent in the month (Tokyo time)."""
    alerts = archive_alerts()
    if area is not None:
        reached = Q(scope=Scope.PREFECTURE)
        if area.municipality is not None:
            reached |= Q(area_municipalities=area.municipality) | Q(
                area_stations=area.municipality.station_id
            )
        if area.station is not None:
            reached |= Q(area_stations=area.station) | Q(area_municipalities__station=area.station)
        ids = Alert.objects.filter(reached).values("pk")
        alerts = alerts.filter(pk__in=ids)
    if category is not None:
        alerts = alerts.filter(category=category)
    if month is not None:
        start, end = month_bounds(month)
        alerts = alerts.filter(sending_started_at__gte=start, sending_started_at__lt=end)
    return alerts


def archive_get(*, pk: int) -> Alert:
    alert = archive_alerts().filter(pk=pk).first()
    if alert is None:
        raise ArchiveNotFound("この配信は公開されていません。")
    return alert


@dataclass(frozen=True)
class ArchivePage:
    """One alert's public page: the alert, its first alert (a follow-up's, when public),
    and the public follow-ups of the first (続報・訂正・検挙等), oldest first."""

    alert: Alert
    first: Alert | None
    follow_ups: list[Alert]
    area: str


def archive_page(*, pk: int) -> ArchivePage:
    alert = archive_get(pk=pk)
    first = archive_alerts().filter(pk=alert.parent_id).first() if alert.parent_id else None
    root = first.pk if first is not None else (alert.pk if alert.parent_id is None else None)
    follow_ups = (
        list(archive_alerts().filter(parent_id=root).order_by("sending_started_at", "pk"))
        if root is not None
        else []
    )
    return ArchivePage(alert=alert, first=first, follow_ups=follow_ups, area=area_text(alert))


def area_names(alert: Alert) -> list[str]:
    """What the alert's area reads as: 県内全域, or each station's area and municipality."""
    if alert.scope == Scope.PREFECTURE:
        return [WHOLE_PREFECTURE]
    names = [f"{s.name}管内" for s in alert.area_stations.all()]
    names += [m.name for m in alert.area_municipalities.all()]
    return names


def area_text(alert: Alert) -> str:
    return "、".join(area_names(alert))


def area_municipality_codes(alert: Alert) -> list[str]:
    """The 団体コード of every municipality the alert reached (a station's area counts
    each municipality in it); empty for a prefecture-wide alert."""
    if alert.scope == Scope.PREFECTURE:
        return []
    codes = {m.code for m in alert.area_municipalities.all()}
    station_ids = [s.pk for s in alert.area_stations.all()]
    if station_ids:
        codes |= set(
            Municipality.objects.filter(station__in=station_ids).values_list("code", flat=True)
        )
    return sorted(codes)


def sender_name(alert: Alert) -> str:
    """The unit that wrote the alert (a station, or the HQ division)."""
    unit = alert.author_station or alert.author_division
    return unit.name if unit is not None else ""


# --- What the filter offers -----------------------------------------------------------------


def archive_areas() -> list[Area]:
    """Each station's whole area, followed by its municipalities, in code order."""
    areas: list[Area] = []
    municipalities = Municipality.objects.select_related("station").order_by(
        "station__code", "code"
    )
    by_station: dict[int, list[Municipality]] = {}
    for municipality in municipalities:
        by_station.setdefault(municipality.station_id, []).append(municipality)
    for station in Station.objects.filter(pk__in=by_station).order_by("code"):
        areas.append(Area(key=f"s-{station.code}", label=f"{station.name}管内", station=station))
        areas += [
            Area(key=f"m-{m.code}", label=m.name, municipality=m) for m in by_station[station.pk]
        ]
    return areas


def archive_categories() -> QuerySet[Category]:
    """The categories of the filter: those in use, and any under which something was sent."""
    sent = Alert.objects.filter(
        sending_started_at__isnull=False, status__in=PUBLIC_STATUSES
    ).values("category_id")
    return Category.objects.filter(Q(is_active=True) | Q(pk__in=sent)).order_by("order", "code")
