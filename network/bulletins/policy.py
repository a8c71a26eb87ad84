"""Who publishes and who reads 地域安全情報 (seed 001 3⑴ア・エ): a station's 地域課長等, 署長 and
取扱責任者 publish for their station (ミニ広報紙, 交番速報); HQ's 統括管理責任者 and 地域部長
publish for every station (3⑴エ 本部の取組). Every member of a station's staff reads what is
current for it. Views, buttons and services ask here."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import Headquarters, Station, User
from network.bulletins.models import Bulletin

PUBLISH = "publish_bulletins"
# The shelf is read by whoever works with the station's members.
READ = "record_exchanges"


def publish_stations(user: User) -> QuerySet[Station]:
    return permissions.stations_for(user, PUBLISH)


def publish_headquarters(user: User) -> QuerySet[Headquarters]:
    return permissions.objects_for(user, PUBLISH, Headquarters)


def may_publish(user: User) -> bool:
    return permissions.holds_anywhere(user, PUBLISH, Station) or permissions.has_hq_perm(
        user, PUBLISH
    )


def may_read_shelf(user: User) -> bool:
    return permissions.holds_anywhere(user, READ, Station) or may_publish(user)


def may_withdraw(user: User, bulletin: Bulletin) -> bool:
    """The publisher's level withdraws: the station's publishers, or HQ's."""
    if bulletin.station_id is not None:
        return permissions.has_perm(user, PUBLISH, Station(pk=bulletin.station_id))
    return permissions.has_perm(user, PUBLISH, Headquarters(pk=bulletin.headquarters_id))


def publish_require(
    user: User, *, station: Station | None, headquarters: Headquarters | None
) -> None:
    if station is not None:
        allowed = permissions.has_perm(user, PUBLISH, station)
    elif headquarters is not None:
        allowed = permissions.has_perm(user, PUBLISH, headquarters)
    else:
        allowed = False
    if not allowed:
        raise PermissionDenied("ここに地域安全情報を掲載する権限がありません。")


def withdraw_require(user: User, bulletin: Bulletin) -> None:
    if not may_withdraw(user, bulletin):
        raise PermissionDenied("この地域安全情報の掲載を終える権限がありません。")
