"""The network's figures (issue 12 point 10, seed 001 4⑴・⑷, 前文 負担軽減): for one station,
and for HQ across stations. Every figure is one aggregate query whatever the data; no member
is named except on the burden list, which only the station's own people read."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import Beat, BeatAssignment, Station, User
from accounts.utils import dates
from network.exchanges.models import Exchange
from network.meetings.models import SafetyMeeting
from network.members.models import (
    ConcurrentPost,
    GroupKind,
    GroupMembership,
    LiaisonMember,
    MemberPost,
    MemberStatus,
    MemberStep,
    StepKind,
)
from network.overview.policy import STATION_PERMS
from network.requests.models import DepartmentRequest

MONTHS = 12  # the period of the trends and of the burden count
OFFICER_MONTHS = 6  # exchange time per beat officer (4⑷)
BURDEN_ROWS = 50  # the burden list shows the busiest; the rest are counted


def overview_stations(*, user: User) -> QuerySet[Station]:
    return permissions.objects_for(user, STATION_PERMS, Station, any_perm=True).order_by("code")


def overview_station_get(*, user: User, pk: int) -> Station:
    station = overview_stations(user=user).filter(pk=pk).first()
    if station is None:
        raise OutOfScope("accounts.station", str(pk))
    return station


def _months(today: dt.date, count: int) -> list[dt.date]:
    last = dates.month_first(today)
    return [dates.months_add(last, -index) for index in range(count - 1, -1, -1)]


@dataclass
class OfficerTime:
    officer: User
    minutes: list[int]  # per month, oldest first

    @property
    def total(self) -> int:
        return sum(self.minutes)


@dataclass
class Burdened:
    member_id: int
    name: str  # empty unless the reader may see names
    month: dt.date  # his busiest month
    contacts: int  # contacts in that month
    months_over: int = 1  # months of the period over the limit


@dataclass
class StationOverview:
    station: Station
    months: list[dt.date]
    status_counts: dict[str, int]
    beats: list[tuple[Beat, int]]  # (beat, active members); 0 stands out
    by_municipality: list[tuple[str, int]]
    by_group: list[tuple[str, str, int]]  # (group, kind label, members)
    by_post: list[tuple[str, int]]
    exchanges_by_month: list[tuple[dt.date, int, int]]  # (month, exchanges, minutes)
    exchanges_by_department: list[tuple[str, int, int]]
    officer_months: list[dt.date]
    officer_time: list[OfficerTime]
    requests_by_department: list[tuple[str, int, int]]  # (department, open, overdue)
    meetings: int
    meetings_joined: int
    burdened: list[Burdened] = field(default_factory=list)
    burdened_total: int = 0
    burden_limit: int = 0

    @property
    def beats_without_members(self) -> int:
        return sum(1 for _, count in self.beats if not count)


def station_overview(*, station: Station, today: dt.date, names: bool) -> StationOverview:
    months = _months(today, MONTHS)
    since = months[0]
    members = LiaisonMember.objects.filter(station=station)
    active = Q(status=MemberStatus.ACTIVE)
    status_counts = {
        row["status"]: row["n"] for row in members.values("status").annotate(n=Count("pk"))
    }
    beats: list[tuple[Beat, int]] = [
        (beat, int(beat.members))
        for beat in Beat.objects.filter(post__station=station)
        .select_related("post")
        .annotate(
            members=Count("liaison_members", filter=Q(liaison_members__status=MemberStatus.ACTIVE))
        )
        .order_by("post__name", "name")
    ]
    by_municipality = [
        (row["municipality"] or "（未入力）", row["n"])
        for row in members.filter(active)
        .values("municipality")
        .annotate(n=Count("pk"))
        .order_by("-n", "municipality")
    ]
    group_kinds = dict(GroupKind.choices)
    by_group = [
        (row["group__name"], group_kinds.get(row["group__kind"], ""), row["n"])
        for row in GroupMembership.objects.filter(
            member__station=station, member__status=MemberStatus.ACTIVE
        )
        .values("group__name", "group__kind")
        .annotate(n=Count("member", distinct=True))
        .order_by("-n", "group__name")
    ]
    post_labels = dict(ConcurrentPost.choices)
    by_post = [
        (post_labels.get(row["kind"], row["kind"]), row["n"])
        for row in MemberPost.objects.filter(
            member__station=station, member__status=MemberStatus.ACTIVE
        )
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    ]
    exchanges = Exchange.objects.filter(station=station, held_on__gte=since, held_on__lte=today)
    per_month = {
        row["month"]: (row["n"], row["minutes"] or 0)
        for row in exchanges.annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(n=Count("pk"), minutes=Sum("minutes"))
    }
    exchanges_by_month = [(m, *per_month.get(m, (0, 0))) for m in months]
    exchanges_by_department = [
        (row["department__name"], row["n"], row["minutes"] or 0)
        for row in exchanges.values("department__name")
        .annotate(n=Count("pk"), minutes=Sum("minutes"))
        .order_by("-n", "department__name")
    ]
    officer_months = months[-OFFICER_MONTHS:]
    officer_time = _officer_time(station, officer_months, today)
    requests_by_department = [
        (row["department__name"], row["open"], row["overdue"])
        for row in DepartmentRequest.objects.filter(station=station, closed_at__isnull=True)
        .values("department__name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("-overdue", "-open", "department__name")
    ]
    meeting_counts = SafetyMeeting.objects.filter(
        station=station, held_on__gte=since, held_on__lte=today
    ).aggregate(n=Count("pk"), joined=Count("pk", filter=~Q(joined_to="")))
    limit = settings.NETWORK_CONTACTS_PER_MONTH
    burdened, burdened_total = member_burden_list(
        station=station, since=since, until=today, names=names
    )
    return StationOverview(
        station=station,
        months=months,
        status_counts=status_counts,
        beats=beats,
        by_municipality=by_municipality,
        by_group=by_group,
        by_post=by_post,
        exchanges_by_month=exchanges_by_month,
        exchanges_by_department=exchanges_by_department,
        officer_months=officer_months,
        officer_time=officer_time,
        requests_by_department=requests_by_department,
        meetings=meeting_counts["n"],
        meetings_joined=meeting_counts["joined"],
        burdened=burdened,
        burdened_total=burdened_total,
        burden_limit=limit,
    )


def _officer_time(station: Station, months: list[dt.date], today: dt.date) -> list[OfficerTime]:
    """4⑷: the time each beat officer of the station spent in exchanges, per month."""
    officers = {
        a.officer_id: a.officer
        for a in BeatAssignment.objects.filter(
            beat__post__station=station, granted_at__isnull=False, revoked_at__isnull=True
        )
        .select_related("officer")
        .order_by("officer__employee_number")
    }
    minutes: dict[tuple[int, dt.date], int] = {}
    for row in (
        Exchange.objects.filter(
            station=station, staff_id__in=list(officers), held_on__gte=months[0], held_on__lte=today
        )
        .annotate(month=TruncMonth("held_on"))
        .values("staff_id", "month")
        .annotate(minutes=Sum("minutes"))
    ):
        minutes[(row["staff_id"], row["month"])] = row["minutes"] or 0
    return [
        OfficerTime(officer=officer, minutes=[minutes.get((pk, m), 0) for m in months])
        for pk, officer in officers.items()
    ]


def _per_month(rows: QuerySet, member: str, day: str) -> QuerySet:
    """(member id, month, count) of one kind of contact."""
    return (
        rows.annotate(month=TruncMonth(day))
        .values(member, "month")
        .annotate(n=Count("pk"))
        .values_list(member, "month", "n")
    )


def member_contact_counts(
    *,
    member_ids: list[int] | None = None,
    station: Station | None = None,
    since: dt.date,
    until: dt.date,
) -> dict[tuple[int, dt.date], int]:
    """Contacts per member and month: exchanges, 地域安全の会 attended and asks (前文 負担軽減)."""
    exchanges = Exchange.objects.filter(held_on__gte=since, held_on__lte=until)
    meetings = SafetyMeeting.members.through.objects.filter(
        safetymeeting__held_on__gte=since, safetymeeting__held_on__lte=until
    )
    asks = MemberStep.objects.filter(kind=StepKind.ASKED, on__gte=since, on__lte=until)
    if station is not None:
        exchanges = exchanges.filter(station=station)
        meetings = meetings.filter(safetymeeting__station=station)
        asks = asks.filter(member__station=station)
    if member_ids is not None:
        exchanges = exchanges.filter(member_id__in=member_ids)
        meetings = meetings.filter(liaisonmember_id__in=member_ids)
        asks = asks.filter(member_id__in=member_ids)
    counts: Counter[tuple[int, dt.date]] = Counter()
    for rows in (
        _per_month(exchanges, "member_id", "held_on"),
        _per_month(meetings, "liaisonmember_id", "safetymeeting__held_on"),
        _per_month(asks, "member_id", "on"),
    ):
        for member, month, n in rows:
            counts[(member, month)] += n
    return dict(counts)


def member_burden_list(
    *, station: Station, since: dt.date, until: dt.date, names: bool
) -> tuple[list[Burdened], int]:
    """Members contacted more than NETWORK_CONTACTS_PER_MONTH in some month of the period:
    one row each (his busiest month and how many months went over), the busiest first, at
    most BURDEN_ROWS; and how many members there are in all."""
    limit = settings.NETWORK_CONTACTS_PER_MONTH
    peaks: dict[int, tuple[int, dt.date, int]] = {}  # member -> (contacts, month, months over)
    for (member, month), n in member_contact_counts(
        station=station, since=since, until=until
    ).items():
        if n <= limit:
            continue
        best, best_month, months = peaks.get(member, (0, month, 0))
        if n > best or (n == best and month > best_month):
            best, best_month = n, month
        peaks[member] = (best, best_month, months + 1)
    ranked = sorted(peaks.items(), key=lambda item: (-item[1][0], -item[1][2], item[0]))
    shown = ranked[:BURDEN_ROWS]
    labels: dict[int, str] = {}
    if names and shown:
        labels = dict(
            LiaisonMember.objects.filter(pk__in=[m for m, _ in shown]).values_list("pk", "name")
        )
    rows = [
        Burdened(member, labels.get(member, ""), month, n, months)
        for member, (n, month, months) in shown
    ]
    return rows, len(ranked)


@dataclass
class StationRow:
    station: Station
    active: int = 0
    candidates: int = 0
    beats: int = 0
    beats_without: int = 0
    exchanges: int = 0
    open_requests: int = 0
    overdue_requests: int = 0
    meetings: int = 0


def hq_overview(*, stations: QuerySet[Station], today: dt.date) -> list[StationRow]:
    """One row per station: figures only (HQ reads no roster)."""
    since = _months(today, MONTHS)[0]
    rows = {s.pk: StationRow(station=s) for s in stations}
    ids = list(rows)
    waiting = (MemberStatus.CANDIDATE, MemberStatus.ASKED)
    for row in (
        LiaisonMember.objects.filter(station_id__in=ids)
        .values("station_id")
        .annotate(
            active=Count("pk", filter=Q(status=MemberStatus.ACTIVE)),
            candidates=Count("pk", filter=Q(status__in=waiting)),
        )
    ):
        rows[row["station_id"]].active = row["active"]
        rows[row["station_id"]].candidates = row["candidates"]
    for row in (
        Beat.objects.filter(post__station_id__in=ids)
        .annotate(n=Count("liaison_members", filter=Q(liaison_members__status=MemberStatus.ACTIVE)))
        .values("post__station_id")
        .annotate(beats=Count("pk", distinct=True))
    ):
        rows[row["post__station_id"]].beats = row["beats"]
    covered: defaultdict[int, set[int]] = defaultdict(set)
    for station_id, beat_id in (
        LiaisonMember.beats.through.objects.filter(
            liaisonmember__station_id__in=ids, liaisonmember__status=MemberStatus.ACTIVE
        )
        .values_list("liaisonmember__station_id", "beat_id")
        .distinct()
    ):
        covered[station_id].add(beat_id)
    for station_id, station_row in rows.items():
        station_row.beats_without = station_row.beats - len(covered[station_id])
    for row in (
        Exchange.objects.filter(station_id__in=ids, held_on__gte=since, held_on__lte=today)
        .values("station_id")
        .annotate(n=Count("pk"))
    ):
        rows[row["station_id"]].exchanges = row["n"]
    for row in (
        DepartmentRequest.objects.filter(station_id__in=ids, closed_at__isnull=True)
        .values("station_id")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    ):
        rows[row["station_id"]].open_requests = row["n"]
        rows[row["station_id"]].overdue_requests = row["overdue"]
    for row in (
        SafetyMeeting.objects.filter(station_id__in=ids, held_on__gte=since, held_on__lte=today)
        .values("station_id")
        .annotate(n=Count("pk"))
    ):
        rows[row["station_id"]].meetings = row["n"]
    return list(rows.values())
