"""Who holds and reads 地域安全の会 (seed 001 3⑶): the station holds it, recorded by its
地域課長等 and 署長 (hold_safety_meetings); every member of the station's staff reads the
station's meetings; nobody reaches another station's."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import Station, User

HOLD = "hold_safety_meetings"
READ = "record_exchanges"


def meeting_stations(user: User) -> QuerySet[Station]:
    return permissions.stations_for(user, READ) | permissions.stations_for(user, HOLD)


def hold_stations(user: User) -> QuerySet[Station]:
    return permissions.stations_for(user, HOLD)


def may_read(user: User) -> bool:
    return permissions.holds_anywhere(user, READ, Station) or may_hold(user)


def may_hold(user: User, station: Station | None = None) -> bool:
    if station is None:
        return permissions.holds_anywhere(user, HOLD, Station)
    return permissions.has_perm(user, HOLD, station)


def read_require(user: User) -> None:
    if not may_read(user):
        raise PermissionDenied("地域安全の会は、警察署の職員のページです。")


def hold_require(user: User, station: Station | None = None) -> None:
    if not may_hold(user, station):
        raise PermissionDenied("地域安全の会は、地域課長等・署長が記録します。")


def hold_station(user: User) -> Station:
    """The station whose meetings the user records: a 地域課長等 or 署長 holds one station's
    (the first by code, should anyone hold two)."""
    station = hold_stations(user).order_by("code").first()
    if station is None:
        raise PermissionDenied("地域安全の会は、地域課長等・署長が記録します。")
    return station
