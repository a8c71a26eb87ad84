"""Shared fixtures: an organisation with two stations and a persona for every role.

`world` builds, through the real services, what the personas stand on:

    HQ ─ station A ─ post A1 (交番) ─ beats A1-1, A1-2
       │          └ post A2 (駐在所) ─ beat A2-1
       └ station B ─ post B1 (交番) ─ beat B1-1

Personas (all with password PASSWORD): beat_officer (beat A1-1), supervisor (post A1),
chief and station_manager and staff (station A), alert roles (station A), overall_manager,
auditor and alert_hq_approver (HQ), other_officer (beat B1-1 of station B), no_role, and
regional_director (地域部長, HQ: the visit frequency and the figures, no card).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.test import TransactionTestCase
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import Beat, Headquarters, Post, Role, Station, User
from tests.factories import DepartmentFactory, HeadquartersFactory, StationFactory, UserFactory

# One Chromium for every browser test, wherever it lives.
pytest_plugins = ["tests.browser"]


def _flush_through_purge_path(original):
    """A transactional test empties every table after itself, the access log included: the
    one path the log's triggers let through (accounts.audit.chain.purge_allowed)."""

    def _fixture_teardown(self):
        from accounts.audit.chain import purge_allowed

        with purge_allowed():
            original(self)

    return _fixture_teardown


TransactionTestCase._fixture_teardown = _flush_through_purge_path(
    TransactionTestCase._fixture_teardown
)

PASSWORD = "correct-horse-battery"

# Persona name -> (role, unit key in World.units). None: no appointment at all.
PERSONAS: dict[str, tuple[str, str] | None] = {
    "beat_officer": (Role.BEAT_OFFICER, "post_a1"),
    "supervisor": (Role.SUPERVISOR, "post_a1"),
    "chief": (Role.CHIEF, "station_a"),
    "station_manager": (Role.STATION_MANAGER, "station_a"),
    "staff": (Role.STAFF, "station_a"),
    "overall_manager": (Role.OVERALL_MANAGER, "hq"),
    "auditor": (Role.AUDITOR, "hq"),
    "alert_author": (Role.ALERT_AUTHOR, "station_a"),
    "alert_reviewer": (Role.ALERT_REVIEWER, "station_a"),
    "alert_approver": (Role.ALERT_APPROVER, "station_a"),
    "alert_sender": (Role.ALERT_SENDER, "station_a"),
    "alert_hq_approver": (Role.ALERT_HQ_APPROVER, "hq"),
    "other_officer": (Role.BEAT_OFFICER, "post_b1"),
    "no_role": None,
    # Last, so that the others keep their employee numbers.
    "regional_director": (Role.REGIONAL_DIRECTOR, "hq"),
}


@dataclass
class World:
    hq: Headquarters
    station_a: Station
    station_b: Station
    post_a1: Post
    post_a2: Post
    post_b1: Post
    beat_a1_1: Beat
    beat_a1_2: Beat
    beat_a2_1: Beat
    beat_b1_1: Beat
    people: dict[str, User] = field(default_factory=dict)

    @property
    def units(self) -> dict[str, object]:
        return {
            "hq": self.hq,
            "station_a": self.station_a,
            "station_b": self.station_b,
            "post_a1": self.post_a1,
            "post_b1": self.post_b1,
        }

    def __getattr__(self, name: str) -> User:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)


def build_world() -> World:
    hq = HeadquartersFactory()
    station_a = StationFactory(headquarters=hq, code="A01", name="中央警察署")
    station_b = StationFactory(headquarters=hq, code="B01", name="北警察署")
    for station in (station_a, station_b):
        DepartmentFactory(station=station)
    post_a1 = Post.objects.create(station=station_a, kind=Post.Kind.KOBAN, name="駅前交番")
    post_a2 = Post.objects.create(station=station_a, kind=Post.Kind.CHUZAISHO, name="山田駐在所")
    post_b1 = Post.objects.create(station=station_b, kind=Post.Kind.KOBAN, name="北口交番")
    world = World(
        hq=hq,
        station_a=station_a,
        station_b=station_b,
        post_a1=post_a1,
        post_a2=post_a2,
        post_b1=post_b1,
        beat_a1_1=services.beat_create(actor=None, post=post_a1, name="第1受持区"),
        beat_a1_2=services.beat_create(actor=None, post=post_a1, name="第2受持区"),
        beat_a2_1=services.beat_create(actor=None, post=post_a2, name="山田受持区"),
        beat_b1_1=services.beat_create(actor=None, post=post_b1, name="北口第1受持区"),
    )
    start = timezone.localdate() - dt.timedelta(days=30)
    for index, (name, spec) in enumerate(PERSONAS.items()):
        user = UserFactory(employee_number=f"{100001 + index}", full_name=f"{name} 職員")
        world.people[name] = user
        if spec is None:
            continue
        role, unit_key = spec
        services.appointment_start(
            actor=None, user=user, role=role, unit=world.units[unit_key], starts_on=start
        )
    services.beat_assignment_start(
        actor=None, officer=world.people["beat_officer"], beat=world.beat_a1_1, starts_on=start
    )
    services.beat_assignment_start(
        actor=None, officer=world.people["other_officer"], beat=world.beat_b1_1, starts_on=start
    )
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def login(client):
    """Sign a persona in through the session, without the sign-in form (tested apart).

    verified=True also passes the second factor, as HQ roles must.
    """

    def _login(user: User, *, verified: bool = True):
        client.force_login(user)
        if verified:
            # What a correct TOTP code leaves in the session (django_otp.login).
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="テスト端末", defaults={"confirmed": True}
            )
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return _login
