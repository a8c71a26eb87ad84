"""Reads of the beats' areas: the beat an address lies in, and the beats a user keeps."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import Beat, Station, User
from liaison.areas.models import BeatArea

from .matching import address_key, split_town


@dataclass(frozen=True)
class AreaMatch:
    beat: Beat
    area: BeatArea


def station_has_areas(*, station_id: int) -> bool:
    """Whether the station has said what its 管内 is (any beat with an area)."""
    return BeatArea.objects.filter(beat__post__station_id=station_id).exists()


def beat_for_address(*, station_id: int, town: str, banchi: str) -> AreaMatch | None:
    """The beat of the station whose area holds the address: a 丁目 area before a whole
    town, then the first beat by post and name. One query (the town's areas)."""
    if not (town or "").strip():
        return None
    key = address_key(town, banchi)
    areas = (
        BeatArea.objects.filter(beat__post__station_id=station_id, town_key=key.town)
        .select_related("beat__post")
        .order_by("beat__post__name", "beat__name", "pk")
    )
    found = [area for area in areas if key.matches(area.town_key, area.chome)]
    if not found:
        return None
    best = min(found, key=lambda area: area.chome is None)
    return AreaMatch(beat=best.beat, area=best)


def area_beat_list(*, user: User) -> QuerySet[Beat]:
    """The beats whose areas the user sets (地域課長等: his posts' beats; HQ: all), each
    with its areas, in station, post and name order."""
    return (
        permissions.beats_for(user, "set_beat_area")
        .select_related("post__station", "post__department")
        .prefetch_related(
            Prefetch("areas", queryset=BeatArea.objects.order_by("town_key", "chome"))
        )
        .order_by("post__station__code", "post__name", "name")
    )


def area_beat_get(*, user: User, pk: int) -> Beat:
    """A beat the user sees (else 404); whether he may change its areas is the view's 403."""
    beat = (
        permissions.beats_for(user, "view_beat_cards")
        .select_related("post__station", "post__department")
        .filter(pk=pk)
        .first()
    )
    if beat is None:
        raise OutOfScope("accounts.beat", str(pk))
    return beat


def areas_of(*, beat: Beat) -> list[BeatArea]:
    return list(BeatArea.objects.filter(beat=beat).order_by("town_key", "chome"))


def area_text(areas: list[BeatArea]) -> str:
    """The areas as the edit box shows them, one per line."""
    return "\n".join(str(area) for area in areas)


def town_key(town: str) -> str:
    return split_town(town)[0]


def unassigned_station_ids(stations: list[Station]) -> set[int]:
    """Of these stations, those with no area on any beat (the 管内 rule waits for them)."""
    have = set(
        BeatArea.objects.filter(beat__post__station__in=stations)
        .values_list("beat__post__station_id", flat=True)
        .distinct()
    )
    return {s.pk for s in stations} - have


def area_history(*, beat: Beat, limit: int = 20) -> list:
    """The latest additions and removals of the beat's areas: who, when, why."""
    return list(
        BeatArea.history.filter(beat_id=beat.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
