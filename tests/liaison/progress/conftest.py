"""A small station with known figures, made through the real services in Tokyo time.

"Today" is Friday 20 November 2026, 18:30. The policy: every 365 days, a one-person
elderly household every 90 days; households and businesses count.

Beat A1-1 (beat_officer):
    plain        household, met 10 Nov (a 専従日) — a follow-up left open
    care_old     一人暮らしの高齢者, met 1 Jul — overdue (90-day cycle)
    care_recent  一人暮らしの高齢者, met 15 Oct (last month) — follow-up done
    never        household, never visited — overdue
    absent       household, only 不在 on 11 Nov — overdue (an absence is no visit)
    closed       household, closed — not counted
    shop         business, met 12 Nov at 18:00 with approval — a night visit
Beat A1-2: one household made by the chief, never visited. Beat A2-1: nothing.
Station B (other_officer): one household met on 16 Nov.

So beat A1-1: 6 to visit, 3 visited (50.0%), 3 overdue; November: 3 visits, 1 at
night, 1 on a dedicated day; 1 follow-up open. Station A: 7 to visit, 3 visited (42.9%),
4 overdue.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine

from accounts import services as accounts_services
from accounts.models import Role
from liaison.cards.models import CloseReason
from liaison.filing import services as filing_services
from liaison.night import services as night_services
from liaison.planning import services as planning_services
from liaison.visits import services as visits_services
from liaison.visits.models import VisitOutcome
from tests.factories import UserFactory
from tests.liaison.conftest import make_business, make_household

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 18, 30, tzinfo=TOKYO)
# When the cards of the data set were made (a visit is never before its card).
MADE_AT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=TOKYO)


def at(day: dt.date, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield TODAY


def visit(officer, card, day: dt.date, outcome=VisitOutcome.MET, hh=10, **extra):
    start = at(day, hh)
    return visits_services.visit_record(
        actor=officer,
        card=card,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=20),
        outcome=outcome,
        **extra,
    )


def set_policy(world, **values):
    return planning_services.visit_policy_set(
        actor=world.regional_director,
        headquarters=world.hq,
        reason="要配意世帯の周期を短くする",
        **values,
    )


def second_officer(world, beat=None, name="second 職員"):
    """Another beat officer of station A (beat A1-2 unless told)."""
    officer = UserFactory(full_name=name)
    beat = beat or world.beat_a1_2
    accounts_services.appointment_start(
        actor=None,
        user=officer,
        role=Role.BEAT_OFFICER,
        unit=beat.post,
        starts_on=TODAY - dt.timedelta(days=10),
    )
    accounts_services.beat_assignment_start(
        actor=None,
        officer=officer,
        beat=beat,
        starts_on=TODAY - dt.timedelta(days=10),
    )
    return officer


@pytest.fixture
def figures(world):
    """The data set of the module docstring; returns its cards."""
    officer = world.beat_officer
    beat = world.beat_a1_1
    set_policy(world, default_cycle_days=365, elderly_alone_cycle_days=90)
    made = {"made_at": MADE_AT}
    cards = SimpleNamespace(
        plain=make_household(officer, beat, banchi="1-1", **made),
        care_old=make_household(officer, beat, banchi="1-2", care_elderly_alone=True, **made),
        care_recent=make_household(officer, beat, banchi="1-3", care_elderly_alone=True, **made),
        never=make_household(officer, beat, banchi="1-4", **made),
        absent=make_household(officer, beat, banchi="1-5", **made),
        closed=make_household(officer, beat, banchi="1-6", **made),
        shop=make_business(officer, beat, **made),
        a12=make_household(world.chief, world.beat_a1_2, banchi="2-1", **made),
        station_b=make_household(world.other_officer, world.beat_b1_1, **made),
    )
    filing_services.card_close(
        actor=officer,
        card=cards.closed,
        version=None,
        reason=CloseReason.MOVED,
        closed_on=TODAY - dt.timedelta(days=3),
    )
    planning_services.dedicated_day_set(
        actor=world.chief, station=world.station_a, officer=officer, date=dt.date(2026, 11, 10)
    )
    plain_visit = visit(
        officer,
        cards.plain,
        dt.date(2026, 11, 10),
        concerns="夜間の騒音",
        follow_up_department="community",
    )
    visit(officer, cards.care_old, dt.date(2026, 7, 1))
    done = visit(
        officer, cards.care_recent, dt.date(2026, 10, 15), follow_up_department="community"
    )
    visits_services.visit_follow_up_done(actor=officer, visit=done, note="対応済み")
    visit(officer, cards.absent, dt.date(2026, 11, 11), outcome=VisitOutcome.ABSENT)
    with time_machine.travel(at(dt.date(2026, 11, 12), 8, 0), tick=False):
        request = night_services.night_request_create(
            actor=officer,
            date=dt.date(2026, 11, 12),
            planned_start=dt.time(17, 30),
            planned_end=dt.time(20, 0),
            reason="日中不在の事業所を訪問するため",
        )
        night_services.night_request_decide(actor=world.chief, night=request, approve=True)
    visit(officer, cards.shop, dt.date(2026, 11, 12), hh=18)
    visit(world.other_officer, cards.station_b, dt.date(2026, 11, 16))
    cards.plain_visit = plain_visit
    return cards
