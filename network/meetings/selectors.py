"""Reads of 地域安全の会: a station's meetings are read by its staff and by nobody else;
another station's meeting is a 404."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import Department, Station, User
from network.meetings.models import SafetyMeeting
from network.meetings.policy import READ, meeting_stations
from network.members.models import LiaisonMember, MemberStatus
from network.members.selectors import member_list

MEETING = "network.safetymeeting"


def meeting_list(*, user: User) -> QuerySet[SafetyMeeting]:
    """The meetings of the user's stations, the newest first."""
    return SafetyMeeting.objects.filter(
        station__in=meeting_stations(user).values("pk")
    ).select_related("station")


def meeting_get(*, user: User, pk: int) -> SafetyMeeting:
    meeting = (
        meeting_list(user=user)
        .filter(pk=pk)
        .prefetch_related("members", "staff", "requests__department")
        .first()
    )
    if meeting is None:
        raise OutOfScope(MEETING, str(pk))
    return meeting


def meeting_member_choices(*, user: User, station: Station) -> QuerySet[LiaisonMember]:
    """The station's 連絡員 the user sees."""
    return (
        member_list(user=user)
        .filter(station=station, status=MemberStatus.ACTIVE, personal_data_removed_at__isnull=True)
        .order_by("name_kana", "pk")
    )


def meeting_staff_choices(*, station: Station) -> QuerySet[User]:
    """The station's staff: whoever records exchanges there now."""
    ids = [u.pk for u in permissions.users_with_station_perm(station, READ)]
    return User.objects.filter(pk__in=ids).order_by("full_name", "pk")


def meeting_department_choices(*, station: Station) -> QuerySet[Department]:
    return Department.objects.filter(station=station).order_by("pk")
