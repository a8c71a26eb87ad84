"""要領 第5-3 at its edges, in Tokyo time: 08:30–17:00 is daytime; after 17:00 a visit
needs an approved night request of this officer for this date and must end by 20:00."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Role
from liaison import services
from liaison.models import LiaisonCard, NightVisitRequest, Visit, VisitOutcome

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
DAY = dt.date(2026, 11, 30)
# Late in the evening of DAY: every visit of the day is in the past.
EVENING = dt.datetime.combine(DAY, dt.time(21, 30), tzinfo=TOKYO)


def at(hh: int, mm: int, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def evening():
    with time_machine.travel(EVENING, tick=False):
        yield


def record(world, card, start, end=None, officer=None):
    return services.visit_record(
        actor=officer or world.beat_officer,
        card=card,
        started_at=start,
        ended_at=end or start,
        outcome=VisitOutcome.MET,
    )


def approve(world, officer=None, date=DAY, **extra):
    request = services.night_request_create(
        actor=officer or world.beat_officer,
        date=date,
        planned_start=dt.time(17, 30),
        planned_end=dt.time(20, 0),
        reason="日中不在の世帯を訪問するため",
        **extra,
    )
    return services.night_request_decide(actor=world.chief, request=request, approve=True)


def refusal(excinfo) -> str:
    return " ".join(m for msgs in excinfo.value.message_dict.values() for m in msgs)


@pytest.mark.parametrize("hhmm", [(8, 30), (12, 0), (16, 59)])
def test_daytime_visits_need_no_approval(world, household, hhmm):
    visit = record(world, household, at(*hhmm))
    assert visit.night_request is None
    household.refresh_from_db()
    assert household.last_visit_on == DAY


def test_a_visit_that_starts_at_1659_and_ends_at_1700_is_daytime(world, household):
    assert record(world, household, at(16, 59), at(17, 0)).night_request is None


def test_before_0830_is_refused(world, household):
    with pytest.raises(ValidationError) as excinfo:
        record(world, household, at(8, 29))
    assert "午前8時30分以降" in refusal(excinfo)


@pytest.mark.parametrize("hhmm", [(17, 0), (19, 59)])
def test_after_1700_without_approval_is_refused_with_the_reason(world, household, hhmm):
    with pytest.raises(ValidationError) as excinfo:
        record(world, household, at(*hhmm))
    assert "夜間巡回連絡の承認" in refusal(excinfo)
    assert not Visit.objects.exists()
    household.refresh_from_db()
    assert household.last_visit_on is None


@pytest.mark.parametrize("hhmm", [(17, 0), (19, 0), (19, 59)])
def test_after_1700_with_approval_is_accepted_and_linked(world, household, hhmm):
    approval = approve(world)
    visit = record(world, household, at(*hhmm))
    assert visit.night_request == approval


def test_a_visit_ending_at_2000_is_accepted_one_at_2000_is_not(world, household):
    approve(world)
    assert record(world, household, at(19, 40), at(20, 0)).night_request is not None
    with pytest.raises(ValidationError) as excinfo:
        record(world, household, at(20, 0))
    assert "午後8時までに" in refusal(excinfo)
    with pytest.raises(ValidationError):
        record(world, household, at(19, 50), at(20, 1))


def test_an_approval_for_another_date_does_not_count(world, household):
    with time_machine.travel(at(9, 0, DAY - dt.timedelta(days=1)), tick=False):
        approve(world, date=DAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        record(world, household, at(19, 0))


def test_an_approval_of_another_officer_does_not_count(world, household):
    from accounts import services as accounts_services

    # A second officer on the same beat, without an approval of his own.
    accounts_services.appointment_start(
        actor=None, user=world.no_role, role=Role.BEAT_OFFICER, unit=world.post_a1, starts_on=DAY
    )
    accounts_services.beat_assignment_start(
        actor=None, officer=world.no_role, beat=world.beat_a1_1, starts_on=DAY
    )
    approve(world)  # the beat officer's approval
    assert record(world, household, at(19, 0)).night_request is not None
    with pytest.raises(ValidationError) as excinfo:
        record(world, household, at(19, 0), officer=world.no_role)
    assert "夜間巡回連絡の承認" in refusal(excinfo)


def test_pending_rejected_and_withdrawn_requests_do_not_count(world, household):
    request = services.night_request_create(
        actor=world.beat_officer,
        date=DAY,
        planned_start=dt.time(18, 0),
        planned_end=dt.time(19, 30),
        reason="日中不在",
    )
    with pytest.raises(ValidationError):
        record(world, household, at(19, 0))
    services.night_request_decide(
        actor=world.chief, request=request, approve=False, comment="今週は不要"
    )
    with pytest.raises(ValidationError):
        record(world, household, at(19, 0))
    assert NightVisitRequest.objects.get().status == NightVisitRequest.Status.REJECTED


def test_an_approval_for_named_beats_covers_only_those(world, household):
    approve(world, beats=[world.beat_a1_1])
    assert record(world, household, at(19, 0)).night_request is not None
    assert LiaisonCard.objects.get(pk=household.pk).last_visit_on == DAY
