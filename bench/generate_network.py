"""Issue 12: the 地域安全ネットワーク of thirty stations, for bench/measures/network.py.

The bench's own station (水戸中央警察署, with its cards) and 29 more of the prefecture. The
29 are made cheaply but through accounts.services where permissions come from: their
departments and posts as rows, their beats through `beat_create` and a 地域課長 each through
`appointment_start` (so that guardian's grants come from appointments, as in production).
Every beat of the bench's station gets a beat officer through the services
(bench.measures.visits does the same, with the same numbers: whichever runs first makes
them), so that the overview's time per beat officer has rows. Each department has three
members of staff.

Then the rows, in bulk (bench/network_rows.py): 5,000 members (600 at the bench's station),
mostly members with their consent date, some candidates, asked, declined and withdrawn;
100,000 exchanges over the last 24 months, the busiest member (the member page measure) with
240 of them; requests to departments and 地域安全の会. A second run finds the counts and
makes nothing; otherwise the network's tables are emptied and made again (stations are kept).
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Beat, BeatAssignment, Department, Post, Role, Station, User
from network.exchanges.models import Exchange
from network.members.models import LiaisonMember

from . import names
from .generate import PASSWORD, STATION_CODE, World
from .network_rows import DEPARTMENTS, MEASURED, Place, populate

MEMBERS = 5_000
EXCHANGES = 100_000
STATIONS = 30
HOME_MEMBERS = 600  # at the bench's station; the other 29 share the rest
HEAVY = 240  # exchanges of the measured member over the 24 months
CODE_PREFIX = STATION_CODE[:-2]  # BENCH01 is the bench's station; BENCH02…BENCH30 the rest


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
    for index, city in enumerate(names.CITIES, start=2):
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
