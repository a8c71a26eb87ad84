"""Reads of the roster that depend on who asks: a station's members are read by every
department of that station (view_member_roster) and by nobody else; another station's
member is a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import Beat, Department, Station, User
from network.members.keys import duplicates_of
from network.members.models import (
    CommunityGroup,
    GroupMembership,
    LiaisonMember,
    MemberPost,
    MemberStatus,
    MemberStep,
    StepKind,
)
from network.members.policy import KEEP, REPORT, VIEW

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


def keep_stations(*, user: User) -> QuerySet[Station]:
    """The stations whose roster the user keeps (署地域課)."""
    return permissions.stations_for(user, KEEP)


def report_stations(*, user: User) -> QuerySet[Station]:
    """The stations for which the user reports candidates."""
    return permissions.stations_for(user, REPORT)


def member_likely_duplicates(
    *,
    user: User,
    name: str,
    name_kana: str = "",
    phone: str = "",
    address: str = "",
    station: Station,
    exclude_pk: int | None = None,
) -> list[LiaisonMember]:
    """Members of the station (one the user reads) who are likely the person being entered:
    the folded name or フリガナ (髙橋 = 高橋, 𠮷田 = 吉田), the phone digits or the address."""
    if not roster_stations(user=user).filter(pk=station.pk).exists():
        raise OutOfScope("accounts.station", str(station.pk))
    return duplicates_of(
        station=station,
        name=name,
        name_kana=name_kana,
        phone=phone,
        address=address,
        exclude_pk=exclude_pk,
    )


@dataclass
class MemberPage:
    """What a member's page shows, read once."""

    member: LiaisonMember
    memberships: list[GroupMembership]
    posts: list[MemberPost]
    beats: list[Beat]
    steps: list[MemberStep]
    contacts: dict[str, int]


CONTACT_DAYS = 365


def member_contact_counts(
    *,
    member: LiaisonMember,
    today: dt.date | None = None,
    steps: list[MemberStep] | None = None,
) -> dict[str, int]:
    """How often the police contacted the member in the last 12 months (前文 負担軽減):
    exchanges, 地域安全の会 attended and asks. Small counts; the asks are counted from
    `steps` when the caller has read all of the member's steps already."""
    from network.exchanges.models import Exchange
    from network.meetings.models import SafetyMeeting

    since = (today or timezone.localdate()) - dt.timedelta(days=CONTACT_DAYS)
    if steps is None:
        asks = member.steps.filter(kind=StepKind.ASKED, on__gte=since).count()
    else:
        asks = sum(1 for s in steps if s.kind == StepKind.ASKED and s.on >= since)
    counts = {
        "exchanges": Exchange.objects.filter(member=member, held_on__gte=since).count(),
        "meetings": SafetyMeeting.objects.filter(members=member, held_on__gte=since).count(),
        "asks": asks,
    }
    counts["total"] = sum(counts.values())
    return counts


def member_page(*, user: User, pk: int) -> MemberPage:
    # member_get's lookup, with who found the member and where (the page shows both).
    member = (
        member_list(user=user).select_related("found_by", "found_department").filter(pk=pk).first()
    )
    if member is None:
        raise OutOfScope(MEMBER, str(pk))
    steps = list(member.steps.select_related("by", "department").order_by("on", "pk"))
    return MemberPage(
        member=member,
        memberships=list(member.memberships.select_related("group")),
        posts=list(member.posts.all()),
        beats=list(member.beats.select_related("post").order_by("post__name", "name")),
        steps=steps,
        contacts=member_contact_counts(member=member, steps=steps),
    )


def member_found_counts(*, user: User) -> list[dict]:
    """Per station and department, the people its staff found (2⑶, 4⑴: every department
    takes part): reported in all, and of them members now."""
    rows = (
        member_list(user=user)
        .order_by()
        .values("station__name", "found_department__name")
        .annotate(
            reported=Count("pk"),
            active=Count("pk", filter=Q(status=MemberStatus.ACTIVE)),
            waiting=Count("pk", filter=Q(status__in=[MemberStatus.CANDIDATE, MemberStatus.ASKED])),
        )
        .order_by("station__name", "found_department__name")
    )
    return [
        {
            "station": r["station__name"],
            "department": r["found_department__name"] or "（課の記録なし）",
            "reported": r["reported"],
            "active": r["active"],
            "waiting": r["waiting"],
        }
        for r in rows
    ]


def members_waiting(*, user: User) -> QuerySet[LiaisonMember]:
    """Candidates not yet asked, in the stations whose roster the user keeps (the panel)."""
    return (
        LiaisonMember.objects.filter(
            station__in=keep_stations(user=user).values("pk"), status=MemberStatus.CANDIDATE
        )
        .select_related("station", "found_department")
        .order_by("found_on", "pk")
    )


def station_beats(*, station: Station) -> QuerySet[Beat]:
    return (
        Beat.objects.filter(post__station=station)
        .select_related("post")
        .order_by("post__name", "name")
    )


def station_departments(*, station: Station) -> QuerySet[Department]:
    return Department.objects.filter(station=station).order_by("pk")


def station_officers(*, station: Station) -> list[User]:
    """Who may be the member's 担当警察官: the station's 署地域課 people, who keep the roster."""
    people = permissions.users_with_station_perm(station, KEEP)
    return sorted(people, key=lambda person: person.employee_number)


def station_groups(*, station: Station) -> QuerySet[CommunityGroup]:
    return CommunityGroup.objects.filter(station=station).order_by("municipality", "name")
