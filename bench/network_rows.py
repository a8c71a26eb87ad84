"""The rows of 地域安全ネットワーク for bench/generate_network.py (and for
tests/network/test_page_queries.py, which fills its own small world with them): community
groups, members in realistic states with their groups, posts there, concurrent posts, beats
and steps, exchanges over the last 24 months by every department, requests to departments
and 地域安全の会 with their attendees. All in bulk; members get their derived columns from
network.members.keys.refresh_keys (the services' function) and one history record each."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Beat, Department, Station, User
from network.exchanges.models import Exchange, ExchangeOccasion
from network.meetings.models import SafetyMeeting
from network.members import keys
from network.members.models import (
    Channel,
    CommunityGroup,
    ConcurrentPost,
    FoundOccasion,
    GroupKind,
    GroupMembership,
    LiaisonMember,
    MemberPost,
    MemberStatus,
    MemberStep,
    StepKind,
)
from network.requests.models import DepartmentRequest

from . import names

MEASURED = ("大和田 誠一", "オオワダ セイイチ")  # the member page measure's member
DAYS = 730
BATCH = 5_000
# (kind, name, share of the members found and of the exchanges): every department takes part.
DEPARTMENTS = [
    (Department.Kind.COMMUNITY, "地域課", 60),
    (Department.Kind.SAFETY, "生活安全課", 20),
    (Department.Kind.TRAFFIC, "交通課", 12),
    (Department.Kind.CRIMINAL, "刑事課", 8),
]
STATES = [
    (MemberStatus.ACTIVE, 78),
    (MemberStatus.CANDIDATE, 5),
    (MemberStatus.ASKED, 4),
    (MemberStatus.DECLINED, 5),
    (MemberStatus.WITHDRAWN, 8),
]
MINUTES = ([10, 15, 20, 30, 45, 60], [15, 25, 20, 25, 10, 5])


@dataclass
class Place:
    """One station as the generator fills it."""

    station: Station
    city: str
    beats: list[Beat]
    departments: dict[str, Department]  # by kind
    staff: dict[str, list[User]]  # by department kind
    officers: dict[int, User] = field(default_factory=dict)  # beat id -> its beat officer


def _person(rng: random.Random) -> tuple[str, str]:
    family, family_kana = rng.choice(names.FAMILY_NAMES[:120])
    male = rng.random() < 0.6
    given, given_kana = rng.choice(names.MALE_GIVEN if male else names.FEMALE_GIVEN)
    return f"{family} {given}", f"{family_kana} {given_kana}"


def _groups(place: Place, rng: random.Random) -> list[CommunityGroup]:
    """The station's groups, made once (a second `populate` joins the same ones)."""
    have = list(CommunityGroup.objects.filter(station=place.station).order_by("pk"))
    if have:
        return have
    city = place.city
    count = 6 + rng.randrange(9)
    towns = [names.TOWNS[(place.station.pk * 5 + i) % len(names.TOWNS)][0] for i in range(count)]
    rows = [(GroupKind.NEIGHBOURHOOD, f"{town}自治会", town) for town in towns]
    rows += [
        (GroupKind.COMMUNITY_COUNCIL, f"{city}コミュニティ協議会", ""),
        (GroupKind.VOLUNTEER, f"{city}防犯ボランティア隊", ""),
        (GroupKind.SCHOOL, f"{city}立第一中学校", "第一中学校区"),
        (GroupKind.BUSINESS, f"{city}商工会", ""),
        (GroupKind.MUNICIPALITY, f"{city}市民協働課", ""),
    ]
    groups = [
        CommunityGroup(station=place.station, kind=k, name=n, municipality=city, area=a)
        for k, n, a in rows
    ]
    return bulk_create_with_history(groups, CommunityGroup, batch_size=BATCH)


def _member(place: Place, rng: random.Random, today: dt.date, person=None) -> LiaisonMember:
    status = rng.choices([s for s, _ in STATES], weights=[w for _, w in STATES])[0]
    kind = rng.choices([k for k, _, _ in DEPARTMENTS], weights=[w for _, _, w in DEPARTMENTS])[0]
    name, kana = person or _person(rng)
    waiting = status in (MemberStatus.CANDIDATE, MemberStatus.ASKED)
    found_on = today - dt.timedelta(
        days=rng.randint(20, 150) if waiting else rng.randint(200, 2200)
    )
    town = rng.choice(names.TOWNS)[0]
    member = LiaisonMember(
        station=place.station,
        status=status,
        name=name,
        name_kana=kana,
        phone=_phone(rng) if rng.random() < 0.8 else "",
        email=f"member{rng.randint(10000, 99999)}@example.jp" if rng.random() < 0.3 else "",
        address=f"{place.city}{town}{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}",
        channel=rng.choices(Channel.values, weights=[3, 2, 5])[0],
        municipality=place.city,
        department=place.departments[Department.Kind.COMMUNITY],
        found_by=rng.choice(place.staff[kind]),
        found_department=place.departments[kind],
        found_on=found_on,
        found_occasion=rng.choice(FoundOccasion.values),
        created_at=_at(found_on),
    )
    asked = found_on + dt.timedelta(days=rng.randint(7, 15))
    if status in (MemberStatus.ACTIVE, MemberStatus.WITHDRAWN):
        member.consented_on = asked + dt.timedelta(days=rng.randint(3, 30))
    if status == MemberStatus.DECLINED:
        member.declined_on = asked + dt.timedelta(days=rng.randint(3, 30))
    if status == MemberStatus.WITHDRAWN:
        member.withdrawn_on = today - dt.timedelta(days=rng.randint(1, 150))
    keys.refresh_keys(member)
    return member


def _phone(rng: random.Random) -> str:
    return f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def _steps(member: LiaisonMember, place: Place, rng: random.Random) -> list[MemberStep]:
    """Reported by whoever found him; then asked and answered through 地域課."""
    steps = [(StepKind.REPORTED, member.found_on, member.found_by, member.found_department)]
    keeper = rng.choice(place.staff[Department.Kind.COMMUNITY])
    community = place.departments[Department.Kind.COMMUNITY]
    if member.status != MemberStatus.CANDIDATE:
        steps.append((StepKind.ASKED, member.found_on + dt.timedelta(days=7), keeper, community))
    for kind, on in (
        (StepKind.CONSENTED, member.consented_on),
        (StepKind.DECLINED, member.declined_on),
        (StepKind.WITHDREW, member.withdrawn_on),
    ):
        if on is not None:
            steps.append((kind, on, keeper, community))
    return [
        MemberStep(member=member, kind=k, on=on, by=by, department=d, recorded_at=_at(on))
        for k, on, by, d in steps
    ]


def populate(
    places: Sequence[Place],
    *,
    members: Sequence[int],
    exchanges: int,
    rng: random.Random,
    heavy: int = 0,
) -> None:
    """Members, their details and steps, exchanges, requests and meetings for `places`
    (members[i] at places[i]); with `heavy`, the first place's first member is MEASURED,
    an active member covering two beats with `heavy` of the exchanges."""
    today = timezone.localdate()
    people: list[tuple[Place, LiaisonMember]] = []
    groups: dict[int, list[CommunityGroup]] = {}
    for place, count in zip(places, members, strict=True):
        groups[place.station.pk] = _groups(place, rng)
        for _ in range(count):
            person = MEASURED if heavy and not people else None
            member = _member(place, rng, today, person)
            if person:
                member.status, member.consented_on = (
                    MemberStatus.ACTIVE,
                    today.replace(year=today.year - 4),
                )
                member.found_on = member.consented_on - dt.timedelta(days=30)
            people.append((place, member))
    with transaction.atomic():
        # bulk_create sets each object's pk (PostgreSQL): `people` holds the saved rows.
        bulk_create_with_history(
            [m for _, m in people], LiaisonMember, batch_size=BATCH, default_change_reason="作成"
        )
        _details(people, groups, rng)
        made = _exchanges(people, exchanges, rng, today, heavy)
        _requests(made, rng, today)
        _meetings(people, places, rng, today)


def _details(people, groups: dict[int, list[CommunityGroup]], rng: random.Random) -> None:
    """Groups (a quarter in two) with a post there, concurrent posts, beats, steps."""
    memberships, posts, beats, steps = [], [], [], []
    Through = LiaisonMember.beats.through
    for place, member in people:
        mine = rng.sample(groups[place.station.pk], 2 if rng.random() < 0.25 else 1)
        for index, group in enumerate(mine):
            post = rng.choice(names.GROUP_POSTS)
            memberships.append(GroupMembership(member=member, group=group, post=post))
            if post == "会長" and index == 0:
                posts.append(MemberPost(member=member, kind=ConcurrentPost.GROUP_HEAD))
        for kind, share in ((ConcurrentPost.PROMOTION, 0.15), (ConcurrentPost.JUVENILE, 0.05)):
            if rng.random() < share:
                posts.append(MemberPost(member=member, kind=kind))
        count = 2 if member.name == MEASURED[0] or rng.random() < 0.15 else 1
        for beat in rng.sample(place.beats, min(count, len(place.beats))):
            beats.append(Through(liaisonmember_id=member.pk, beat_id=beat.pk))
            if member.officer_id is None and beat.pk in place.officers:
                member.officer_id = place.officers[beat.pk].pk
        steps.extend(_steps(member, place, rng))
    GroupMembership.objects.bulk_create(memberships, batch_size=BATCH)
    MemberPost.objects.bulk_create(posts, batch_size=BATCH)
    Through.objects.bulk_create(beats, batch_size=BATCH)
    MemberStep.objects.bulk_create(steps, batch_size=BATCH)
    LiaisonMember.objects.bulk_update(
        [m for _, m in people if m.officer_id], ["officer"], batch_size=BATCH
    )


def _exchanges(people, total: int, rng: random.Random, today: dt.date, heavy: int):
    """`total` exchanges among the members who were members then (a heavy-tailed share
    each), by every department; the first member takes `heavy` of them."""
    eligible = [(p, m) for p, m in people if m.consented_on is not None]
    chosen: list[tuple[Place, LiaisonMember]] = []
    if heavy:
        chosen += [eligible[0]] * heavy
        eligible = eligible[1:]
    weights = [rng.gammavariate(2.0, 1.0) for _ in eligible]
    if eligible:
        chosen += rng.choices(eligible, weights=weights, k=total - len(chosen))
    kinds = [k for k, _, _ in DEPARTMENTS]
    shares = [w for _, _, w in DEPARTMENTS]
    rows = []
    for place, member in chosen:
        first = max(member.consented_on, today - dt.timedelta(days=DAYS - 1))
        last = min(member.withdrawn_on or today, today)
        held_on = first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
        kind = rng.choices(kinds, weights=shares)[0]
        staff = rng.choice(place.staff[kind])
        if kind == Department.Kind.COMMUNITY and member.officer_id and rng.random() < 0.7:
            staff = User(pk=member.officer_id)
        rows.append(
            Exchange(
                station=place.station,
                member=member,
                held_on=held_on,
                staff_id=staff.pk,
                department=place.departments[kind],
                occasion=rng.choice(ExchangeOccasion.values),
                minutes=rng.choices(*MINUTES)[0],
                handed_text=rng.choice(names.HANDED),
                heard=rng.choice(names.HEARD),
                recorded_by_id=staff.pk,
                recorded_at=_at(held_on),
            )
        )
    return Exchange.objects.bulk_create(rows, batch_size=BATCH)


def _request(rng, today: dt.date, on: dt.date, staff: User, **fields) -> DepartmentRequest:
    """Due in two weeks; most of those older than a month closed, some of the recent."""
    request = DepartmentRequest(raised_on=on, due_on=on + dt.timedelta(days=14), **fields)
    request.raised_by = staff
    if rng.random() < (0.92 if (today - on).days > 30 else 0.4):
        request.closed_at = _at(min(today, on + dt.timedelta(days=rng.randint(1, 20))))
        request.closed_by = staff
        request.action_taken = rng.choice(names.ACTIONS)
    return request


def _requests(exchanges: list[Exchange], rng: random.Random, today: dt.date) -> None:
    """About 3% of the exchanges raise a request to a department of the station."""
    departments: dict[int, list[Department]] = defaultdict(list)
    for d in Department.objects.filter(station__in={e.station_id for e in exchanges}):
        departments[d.station_id].append(d)
    rows = [
        _request(
            rng,
            today,
            e.held_on,
            User(pk=e.staff_id),
            station=e.station,
            exchange=e,
            department=rng.choice(departments[e.station_id]),
            text=e.heard,
        )
        for e in exchanges
        if e.heard and rng.random() < 0.04
    ]
    DepartmentRequest.objects.bulk_create(rows, batch_size=BATCH)


def _meetings(people, places: Sequence[Place], rng: random.Random, today: dt.date) -> None:
    """地域安全の会 in about six months of ten, with four to twelve members each."""
    active: dict[int, list[LiaisonMember]] = defaultdict(list)
    for place, member in people:
        if member.status == MemberStatus.ACTIVE:
            active[place.station.pk].append(member)
    meetings, attendees, staff = [], [], []
    for place in places:
        for month in range(24):
            if rng.random() > 0.6 or not active[place.station.pk]:
                continue
            held_on = today - dt.timedelta(days=month * 30 + rng.randrange(28))
            chief = rng.choice(place.staff[Department.Kind.COMMUNITY])
            meeting = SafetyMeeting(
                station=place.station,
                held_on=held_on,
                place=f"{place.city}公民館",
                joined_to="自治会の定例会" if rng.random() < 0.4 else "",
                agenda="地域の犯罪・事故の情勢と防犯対策",
                minutes="特殊詐欺の被害防止について意見を交換した。",
                recorded_by=chief,
                recorded_at=_at(held_on),
            )
            meetings.append(meeting)
            pool = active[place.station.pk]
            attendees.append(rng.sample(pool, min(len(pool), rng.randint(4, 12))))
            staff.append({chief.pk, rng.choice(place.staff[Department.Kind.SAFETY]).pk})
    SafetyMeeting.objects.bulk_create(meetings, batch_size=BATCH)
    Members, Staff = SafetyMeeting.members.through, SafetyMeeting.staff.through
    pairs = list(zip(meetings, attendees, staff, strict=True))
    Members.objects.bulk_create(
        (Members(safetymeeting_id=m.pk, liaisonmember_id=a.pk) for m, who, _ in pairs for a in who),
        batch_size=BATCH,
    )
    Staff.objects.bulk_create(
        (Staff(safetymeeting_id=m.pk, user_id=u) for m, _, users in pairs for u in users),
        batch_size=BATCH,
    )
    # A third of the meetings ask 交通課 for something.
    traffic = {d.station_id: d for d in Department.objects.filter(kind="traffic")}
    requests = [
        _request(
            rng,
            today,
            m.held_on,
            m.recorded_by,
            station=m.station,
            meeting=m,
            department=traffic[m.station_id],
            text="通学路の安全対策を要望された。",
        )
        for m in meetings
        if m.station_id in traffic and rng.random() < 0.3
    ]
    DepartmentRequest.objects.bulk_create(requests, batch_size=BATCH)
