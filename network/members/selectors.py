"""Reads of the roster that depend on who asks: a station's members are read by every
department of that station (view_member_roster) and by nobody else; another station's
member is a 404."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import Station, User
from network.members.models import CommunityGroup, LiaisonMember
from network.members.policy import VIEW

MEMBER = "network.liaisonmember"


def roster_stations(*, user: User) -> QuerySet[Station]:
    """The stations whose roster the user reads."""
    return permissions.stations_for(user, VIEW)


def member_list(*, user: User) -> QuerySet[LiaisonMember]:
    """Every member, candidate and former member the user may see, in フリガナ order."""
    return LiaisonMember.objects.filter(
        station__in=roster_stations(user=user).values("pk")
    ).select_related("station", "officer", "department")


def member_get(*, user: User, pk: int) -> LiaisonMember:
    member = member_list(user=user).filter(pk=pk).first()
    if member is None:
        raise OutOfScope(MEMBER, str(pk))
    return member


def group_list(*, user: User) -> QuerySet[CommunityGroup]:
    return CommunityGroup.objects.filter(
        station__in=roster_stations(user=user).values("pk")
    ).select_related("station")


def group_get(*, user: User, pk: int) -> CommunityGroup:
    group = group_list(user=user).filter(pk=pk).first()
    if group is None:
        raise OutOfScope("network.communitygroup", str(pk))
    return group
