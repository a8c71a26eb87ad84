"""The round's pages on a fixed afternoon in Tokyo: every visit recorded in a test is in
daytime and in the past, and "today" does not move while a test runs."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine

from accounts import services as accounts_services
from accounts.models import Role
from liaison.visits import services
from liaison.visits.models import VisitOutcome
from tests.factories import UserFactory
from tests.html import all_by_role, links
from tests.liaison.conftest import MEMBERS, make_household

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
DAY = dt.date(2026, 11, 30)  # a Monday
NOW = dt.datetime.combine(DAY, dt.time(15, 0), tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def afternoon():
    """Before `world`: the personas' appointments start relative to this day."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(day: dt.date, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TOKYO)


def visit(officer, card, *, days_ago: int = 0, outcome=VisitOutcome.MET, hh: int = 10, **extra):
    """A visit at hh:00 (daytime unless told) `days_ago` days before DAY, through the service."""
    start = at(DAY - dt.timedelta(days=days_ago), hh)
    return services.visit_record(
        actor=officer, card=card, started_at=start, ended_at=start, outcome=outcome, **extra
    )


# The books were kept on paper before: cards are made this long before DAY unless a test
# says otherwise, so that their visits (never before the card) can go back years.
MADE_AT = at(DAY - dt.timedelta(days=3 * 365))


def household(world, banchi: str, *, officer=None, beat=None, made_at=MADE_AT, **data):
    """A filed household of one at 笠原町<banchi> in beat A1-1 (or `beat`), made at MADE_AT
    unless told (made_at=None: made today)."""
    return make_household(
        officer or world.beat_officer,
        beat or world.beat_a1_1,
        members=[MEMBERS[0]],
        banchi=banchi,
        made_at=made_at,
        **data,
    )


def person(world, name: str, role: str, unit):
    user = UserFactory(full_name=name)
    accounts_services.appointment_start(
        actor=None, user=user, role=role, unit=unit, starts_on=DAY - dt.timedelta(days=30)
    )
    return user


def new_officer_on_a1_1(world, name: str = "新任 職員"):
    """The beat officer of A1-1 leaves the beat today; a new officer takes it over."""
    newcomer = person(world, name, Role.BEAT_OFFICER, world.post_a1)
    old = world.beat_officer.beat_assignments.get(beat=world.beat_a1_1)
    accounts_services.beat_assignment_end(actor=None, assignment=old, ends_on=DAY)
    assignment = accounts_services.beat_assignment_start(
        actor=None, officer=newcomer, beat=world.beat_a1_1, starts_on=DAY
    )
    return newcomer, assignment


def rows_of(html: str) -> list[str]:
    """The addresses of a card table (its links to cards), in the order shown."""
    return [
        name
        for table in all_by_role(html, "table")
        for name, href in links(table)
        if re.fullmatch(r"/liaison/cards/\d+/", href)
    ]
