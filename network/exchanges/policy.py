"""Who records and reads exchanges (seed 001 3⑴ア・イ): every member of a station's staff,
of any department, records exchanges with the station's members (record_exchanges) and
reads the station's exchanges; nobody reaches another station's. Views, buttons and
services ask here."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import permissions
from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import Department, Station, User
from network.members.models import LiaisonMember, MemberStatus

RECORD = "record_exchanges"


def exchange_stations(user: User) -> QuerySet[Station]:
    return permissions.stations_for(user, RECORD)


def may_record(user: User, station: Station | None = None) -> bool:
    if station is None:
        return permissions.holds_anywhere(user, RECORD, Station)
    return permissions.has_perm(user, RECORD, station)


def record_require(user: User) -> None:
    if not may_record(user):
        raise PermissionDenied("情報交換は、警察署の職員が記録します。")


def staff_departments(user: User, station_id: int) -> QuerySet[Department]:
    """The departments an exchange may be recorded under: those the user works at the
    station (departments_for), or any of the station's if he works none there."""
    own = permissions.departments_for(user).filter(station_id=station_id)
    if own.exists():
        return own
    return Department.objects.filter(station_id=station_id)


def exchange_record_check(user: User, member: LiaisonMember) -> None:
    """An exchange is with a 連絡員 (consent given, not withdrawn) of a station where the user
    records exchanges."""
    if not permissions.has_perm(user, RECORD, Station(pk=member.station_id)):
        raise PermissionDenied("この署の連絡員との情報交換を記録する権限がありません。")
    if member.status != MemberStatus.ACTIVE or member.personal_data_removed_at is not None:
        raise TransitionError(
            f"{member.get_status_display()}の人との情報交換は記録できません。"
            "連絡員（承諾済み）を選んでください。",
            field="member",
        )
