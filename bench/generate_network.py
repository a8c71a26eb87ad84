"""Issue 12: the 地域安全ネットワーク of thirty stations, for bench/measures/network.py.

The bench's own station (水戸中央警察署, with its cards) and 29 more of the prefecture. The
29 are made cheaply but through accounts.services where permissions come from: their
departments and posts as rows, their beats through `beat_create` and a 地域課長 each through
`appointment_start` (so that guardian's grants come from appointments, as in production).
Every beat of the bench's station gets a beat officer through the services
(bench.measures.visits does the same, with the same numbers: whichever runs first makes
them), so that the overview's time per beat officer has rows. Each department has three
members of staff.

Then, in bulk (`populate`, which tests/network/test_page_queries.py also calls on its own
small world): community groups, 5,000 members (600 at the bench's station) with realistic
states (mostly members with their consent date, some candidates, asked, declined and
withdrawn), their groups, concurrent posts, beats and steps; 100,000 exchanges over the last
24 months, by every department, the busiest member (the member page measure) with 240 of
them; requests to departments (most of the older ones closed) and 地域安全の会 with their
attendees. Members get their derived columns from network.members.keys.refresh_keys, the
services' function, and one history record each. A second run finds the counts and makes
nothing; otherwise the network's tables are emptied and made again (stations are kept).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts import services as accounts_services
from accounts.models import Beat, BeatAssignment, Department, Post, Role, Station, User
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
from .generate import PASSWORD, STATION_CODE, World

MEMBERS = 5_000
EXCHANGES = 100_000
STATIONS = 30
HOME_MEMBERS = 600  # at the bench's station; the other 29 share the rest
HEAVY = 240  # exchanges of the measured member over the 24 months
MEASURED = ("大和田 誠一", "オオワダ セイイチ")
DAYS = 730
BATCH = 5_000
CODE_PREFIX = STATION_CODE[:-2]  # BENCH01 is the bench's station; BENCH02…BENCH30 the rest

CITIES = [
    "日立市",
    "土浦市",
    "古河市",
    "石岡市",
    "結城市",
    "龍ケ崎市",
    "下妻市",
    "常総市",
    "常陸太田市",
    "高萩市",
    "北茨城市",
    "笠間市",
    "取手市",
    "牛久市",
    "つくば市",
    "ひたちなか市",
    "鹿嶋市",
    "潮来市",
    "守谷市",
    "常陸大宮市",
    "那珂市",
    "筑西市",
    "坂東市",
    "稲敷市",
    "かすみがうら市",
    "桜川市",
    "神栖市",
    "行方市",
    "鉾田市",
]
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
GROUP_POSTS = ["会長", "副会長", "役員", "班長", "会員", "会員", ""]
MINUTES = ([10, 15, 20, 30, 45, 60], [15, 25, 20, 25, 10, 5])
HEARD = [
    "通学路で速度を出す車が多い。",
    "公園に夜遅くまで若者が集まっている。",
    "高齢者宅に不審な電話があったと聞いた。",
    "空き家に人が出入りしている。",
    "街灯が切れている場所がある。",
    "",
    "",
]
HANDED = ["特殊詐欺の手口", "自転車盗の発生状況", "交通事故の発生状況", "", ""]
ACTIONS = ["警らを強化した。", "道路管理者に連絡した。", "防犯指導を行った。"]


@dataclass
class Place:
    """One station as the generator fills it."""

    station: Station
    city: str
    beats: list[Beat]
    departments: dict[str, Department]  # by kind
    staff: dict[str, list[User]]  # by department kind
    officers: dict[int, User] = field(default_factory=dict)  # beat id -> its beat officer


# --- Entry point ---------------------------------------------------------------------------


def network_ensure(world: World, *, seed: int = 12, fresh: bool = False) -> LiaisonMember:
    """The thirty stations' network; the measured member (the busiest) is returned."""
    measured = measured_member(world.station)
    have = (
        Station.objects.filter(code__startswith=CODE_PREFIX).count(),
        LiaisonMember.objects.count(),
        Exchange.objects.count(),
    )
    if measured is not None and not fresh and have == (STATIONS, MEMBERS, EXCHANGES):
        return measured
    started = time.perf_counter()
    print(f"  地域安全ネットワーク（{STATIONS}署、連絡員 {MEMBERS:,} 人）を作成中…", flush=True)
    _purge()
    home = _home_place(world)
    places = [home, *_other_places(world)]
    print(f"  警察署を用意しました（{time.perf_counter() - started:.1f} 秒）", flush=True)
    rest = MEMBERS - HOME_MEMBERS
    counts = [HOME_MEMBERS] + [
        rest // (STATIONS - 1) + (1 if i < rest % (STATIONS - 1) else 0)
        for i in range(STATIONS - 1)
    ]
    populate(places, members=counts, exchanges=EXCHANGES, rng=random.Random(seed), heavy=HEAVY)
    _analyze()
    print(f"  地域安全ネットワークを作成しました（{time.perf_counter() - started:.1f} 秒）")
    measured = measured_member(world.station)
    assert measured is not None
    return measured


def measured_member(station: Station) -> LiaisonMember | None:
    return LiaisonMember.objects.filter(station=station, name=MEASURED[0]).first()


def _network_tables() -> list[str]:
    models = apps.get_app_config("network").get_models(include_auto_created=True)
    return [model._meta.db_table for model in models]


def _purge() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in _network_tables()) + " CASCADE")


def _analyze() -> None:
    with connection.cursor() as cursor:
        for table in _network_tables():
            cursor.execute(f'VACUUM ANALYZE "{table}"')


# --- Stations --------------------------------------------------------------------------------


def place_ensure(station: Station, *, city: str, index: int) -> Place:
    """The four departments, three members of staff each, and the beat officers the station
    has (the 地域課's staff are its beat officers when it has some)."""
    departments = {}
    staff: dict[str, list[User]] = {}
    for kind, name, _ in DEPARTMENTS:
        department, _ = Department.objects.get_or_create(
            station=station, name=name, defaults={"kind": kind}
        )
        departments[kind] = department
        staff[kind] = []
        for n in range(3):
            number = f"N{index:02d}{department.kind[:2].upper()}{n}"
            user = User.objects.filter(employee_number=number).first()
            if user is None:
                family, family_kana = names.FAMILY_NAMES[(index * 7 + n * 3) % 60]
                given, given_kana = names.MALE_GIVEN[(index + n * 5) % 40]
                user = User.objects.create_user(
                    number,
                    PASSWORD,
                    full_name=f"{family} {given}",
                    full_name_kana=f"{family_kana} {given_kana}",
                )
            staff[kind].append(user)
    beats = list(Beat.objects.filter(post__station=station).select_related("post").order_by("pk"))
    officers = {
        a.beat_id: a.officer
        for a in BeatAssignment.objects.filter(
            beat__post__station=station, revoked_at__isnull=True
        ).select_related("officer")
    }
    if officers:
        staff[Department.Kind.COMMUNITY] = list({u.pk: u for u in officers.values()}.values())
    return Place(station, city, beats, departments, staff, officers)


def _home_place(world: World) -> Place:
    from .measures.visits import _officers  # one beat officer per beat, made once

    _officers(world)
    return place_ensure(world.station, city="水戸市", index=1)


@transaction.atomic
def _other_places(world: World) -> list[Place]:
    hq = world.station.headquarters
    start = timezone.localdate() - dt.timedelta(days=400)
    places = []
    for index, city in enumerate(CITIES, start=2):
        code = f"{CODE_PREFIX}{index:02d}"
        station = Station.objects.filter(code=code).first()
        if station is None:
            station = Station.objects.create(
                headquarters=hq, code=code, name=f"{city.removesuffix('市')}警察署"
            )
            for p in range(3 + index % 4):
                kind = Post.Kind.CHUZAISHO if p >= 3 else Post.Kind.KOBAN
                post = Post.objects.create(
                    station=station, kind=kind, name=f"{city}第{p + 1}{kind.label}"
                )
                for b in range(2 + (index + p) % 3):
                    accounts_services.beat_create(actor=None, post=post, name=f"第{b + 1}受持区")
            chief = User.objects.create_user(
                f"C{index:04d}", PASSWORD, full_name=f"地域課長 {index:02d}", full_name_kana=""
            )
            accounts_services.appointment_start(
                actor=None, user=chief, role=Role.CHIEF, unit=station, starts_on=start
            )
        places.append(place_ensure(station, city=city, index=index))
    return places


# --- The network -----------------------------------------------------------------------------


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
        phone=f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        if rng.random() < 0.8
        else "",
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


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def _steps(member: LiaisonMember, place: Place, rng: random.Random) -> list[MemberStep]:
    community = place.departments[Department.Kind.COMMUNITY]
    keeper = rng.choice(place.staff[Department.Kind.COMMUNITY])
    steps = [
        MemberStep(
            member=member,
            kind=StepKind.REPORTED,
            on=member.found_on,
            by=member.found_by,
            department=member.found_department,
        )
    ]
    if member.status == MemberStatus.CANDIDATE:
        return steps
    asked_on = member.found_on + dt.timedelta(days=7)
    steps.append(MemberStep(member=member, kind=StepKind.ASKED, on=asked_on, by=keeper))
    answer = {
        StepKind.CONSENTED: member.consented_on,
        StepKind.DECLINED: member.declined_on,
        StepKind.WITHDREW: member.withdrawn_on,
    }
    for kind, on in answer.items():
        if on is not None:
            steps.append(MemberStep(member=member, kind=kind, on=on, by=keeper))
    for step in steps[1:]:
        step.department = community
    for step in steps:
        step.recorded_at = _at(step.on)
    return steps


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
    details: list[tuple[Place, LiaisonMember, list[CommunityGroup]]] = []
    for place, count in zip(places, members, strict=True):
        groups = _groups(place, rng)
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
            details.append((place, member, groups))
    with transaction.atomic():
        # bulk_create sets each object's pk (PostgreSQL): `people` holds the saved rows.
        bulk_create_with_history(
            [m for _, m in people], LiaisonMember, batch_size=BATCH, default_change_reason="作成"
        )
        _details(people, details, rng)
        made = _exchanges(people, exchanges, rng, today, heavy)
        _requests(made, rng, today)
        _meetings(people, places, rng, today)


def _details(people, details, rng: random.Random) -> None:
    memberships, posts, beats, steps = [], [], [], []
    Through = LiaisonMember.beats.through
    for (place, member), (_, _, groups) in zip(people, details, strict=True):
        for index, group in enumerate(rng.sample(groups, 2 if rng.random() < 0.25 else 1)):
            post = rng.choice(GROUP_POSTS)
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
                handed_text=rng.choice(HANDED),
                heard=rng.choice(HEARD),
                recorded_by_id=staff.pk,
                recorded_at=_at(held_on),
            )
        )
    return Exchange.objects.bulk_create(rows, batch_size=BATCH)


def _request(station, department, staff, text, on, rng, today, **source) -> DepartmentRequest:
    request = DepartmentRequest(
        station=station,
        department=department,
        text=text,
        raised_on=on,
        due_on=on + dt.timedelta(days=14),
        raised_by=staff,
        **source,
    )
    if rng.random() < (0.92 if (today - on).days > 30 else 0.4):
        request.closed_at = _at(min(today, on + dt.timedelta(days=rng.randint(1, 20))))
        request.closed_by = staff
        request.action_taken = rng.choice(ACTIONS)
    return request


def _requests(exchanges: list[Exchange], rng: random.Random, today: dt.date) -> None:
    """About 2% of the exchanges raise a request to a department of the station."""
    departments: dict[int, list[Department]] = defaultdict(list)
    for d in Department.objects.filter(station__in={e.station_id for e in exchanges}):
        departments[d.station_id].append(d)
    rows = [
        _request(
            e.station,
            rng.choice(departments[e.station_id]),
            User(pk=e.staff_id),
            e.heard,
            e.held_on,
            rng,
            today,
            exchange=e,
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
    meetings, attendees, staff, requests = [], [], [], []
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
    Members.objects.bulk_create(
        [
            Members(safetymeeting_id=m.pk, liaisonmember_id=a.pk)
            for m, group in zip(meetings, attendees, strict=True)
            for a in group
        ],
        batch_size=BATCH,
    )
    Staff.objects.bulk_create(
        [
            Staff(safetymeeting_id=m.pk, user_id=u)
            for m, users in zip(meetings, staff, strict=True)
            for u in users
        ],
        batch_size=BATCH,
    )
    departments = {d.station_id: d for d in Department.objects.filter(kind="traffic")}
    for m in meetings:
        if rng.random() < 0.3 and m.station_id in departments:
            requests.append(
                _request(
                    m.station,
                    departments[m.station_id],
                    m.recorded_by,
                    "通学路の安全対策を要望された。",
                    m.held_on,
                    rng,
                    today,
                    meeting=m,
                )
            )
    DepartmentRequest.objects.bulk_create(requests, batch_size=BATCH)
