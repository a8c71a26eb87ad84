"""要領 第5-3 at its edges, in Tokyo time, おおむね: 08:30–17:00 is daytime and a night visit
needs an approved request of this officer for this date and ends by 20:00, each edge with
the tolerance of settings.VISIT_HOURS_TOLERANCE_MINUTES (15 by default). A visit outside is
recorded only with its reason, marked as outside the rule, and the 地域課長等 is told."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from accounts.models import Notice, Role
from liaison.cards.models import LiaisonCard
from liaison.night import services as night_services
from liaison.night.models import NightVisitRequest
from liaison.visits import services as visits_services
from liaison.visits.models import Visit, VisitOutcome

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


def record(world, card, start, end=None, officer=None, reason=""):
    return visits_services.visit_record(
        actor=officer or world.beat_officer,
        card=card,
        started_at=start,
        ended_at=end or start,
        outcome=VisitOutcome.MET,
        outside_hours_reason=reason,
    )


def approve(world, officer=None, date=DAY, **extra):
    request = night_services.night_request_create(
        actor=officer or world.beat_officer,
        date=date,
        planned_start=dt.time(17, 30),
        planned_end=dt.time(20, 0),
        reason="日中不在の世帯を訪問するため",
        **extra,
    )
    return night_services.night_request_decide(actor=world.chief, night=request, approve=True)


def refusal(excinfo) -> str:
    return " ".join(m for msgs in excinfo.value.message_dict.values() for m in msgs)


@pytest.mark.parametrize("hhmm", [(8, 15), (8, 30), (12, 0), (16, 59), (17, 15)])
def test_daytime_visits_need_no_approval(world, household, hhmm):
    visit = record(world, household, at(*hhmm))
    assert visit.night_request is None
    assert not visit.outside_hours
    household.refresh_from_db()
    assert household.last_visit_on == DAY


def test_a_visit_that_ends_at_1715_is_daytime_one_that_ends_at_1716_is_not(world, household):
    assert not record(world, household, at(16, 50), at(17, 15)).outside_hours
    with pytest.raises(ValidationError) as excinfo:
        record(world, household, at(16, 50), at(17, 16))
    assert "夜間巡回連絡の承認" in refusal(excinfo)


def test_0814_is_outside_the_hours_0815_is_not(world, household):
    assert not record(world, household, at(8, 15)).outside_hours
    with pytest.raises(ValidationError) as excinfo:
        record(world, household, at(8, 14))
    assert "午前8時15分より前" in refusal(excinfo)
    assert "理由を入力してください" in refusal(excinfo)
    assert Visit.objects.count() == 1


def test_a_visit_outside_the_hours_is_recorded_with_its_reason_and_the_chief_told(world, household):
    visit = record(world, household, at(8, 0), reason="出勤前の時間を指定されたため")
    visit.refresh_from_db()
    assert visit.outside_hours
    assert visit.outside_hours_reason == "出勤前の時間を指定されたため"
    assert "午前8時15分より前に開始" in visit.outside_hours_rule
    assert visit.hours_acknowledged_at is None
    household.refresh_from_db()
    assert household.last_visit_on == DAY  # it counts: the visit happened
    notice = Notice.objects.get(recipient=world.chief)
    assert "時間外の巡回連絡" in notice.title
    # Its history says why it stands out.
    assert visit.history.get().history_change_reason.startswith("時間外：")


def test_a_reason_for_a_visit_within_the_rule_is_not_kept(world, household):
    visit = record(world, household, at(10, 0), reason="念のため")
    assert not visit.outside_hours
    assert visit.outside_hours_reason == ""


@pytest.mark.parametrize("hhmm", [(17, 16), (19, 59)])
def test_after_1715_without_approval_needs_a_reason_and_is_outside_the_rule(world, household, hhmm):
    with pytest.raises(ValidationError) as excinfo:
        record(world, household, at(*hhmm))
    assert "夜間巡回連絡の承認" in refusal(excinfo)
    assert not Visit.objects.exists()
    household.refresh_from_db()
    assert household.last_visit_on is None
    # Night visits keep needing their approval: with a reason it is recorded, outside.
    visit = record(world, household, at(*hhmm), reason="約束の時間が夕方だったため")
    assert visit.outside_hours
    assert visit.night_request is None
    assert "承認がない" in visit.outside_hours_rule


@pytest.mark.parametrize("hhmm", [(17, 16), (19, 0), (19, 59)])
def test_after_1715_with_approval_is_accepted_and_linked(world, household, hhmm):
    approval = approve(world)
    visit = record(world, household, at(*hhmm))
    assert visit.night_request == approval
    assert not visit.outside_hours


def test_an_approved_visit_ending_at_2015_is_within_the_rule_one_at_2016_is_not(world, household):
    approval = approve(world)
    assert not record(world, household, at(19, 40), at(20, 15)).outside_hours
    with pytest.raises(ValidationError) as excinfo:
        record(world, household, at(19, 50), at(20, 16))
    assert "午後8時15分を過ぎて終了" in refusal(excinfo)
    late = record(world, household, at(19, 50), at(20, 16), reason="話が長引いたため")
    assert late.outside_hours
    assert late.night_request == approval  # still the approved night visit it was


@override_settings(VISIT_HOURS_TOLERANCE_MINUTES=0)
def test_the_tolerance_is_a_setting(world, household):
    assert not record(world, household, at(8, 30), at(17, 0)).outside_hours
    with pytest.raises(ValidationError) as excinfo:
        record(world, household, at(8, 29))
    assert "午前8時30分より前" in refusal(excinfo)
    with pytest.raises(ValidationError):
        record(world, household, at(16, 50), at(17, 1))


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
    request = night_services.night_request_create(
        actor=world.beat_officer,
        date=DAY,
        planned_start=dt.time(18, 0),
        planned_end=dt.time(19, 30),
        reason="日中不在",
    )
    with pytest.raises(ValidationError):
        record(world, household, at(19, 0))
    night_services.night_request_decide(
        actor=world.chief, night=request, approve=False, comment="今週は不要"
    )
    with pytest.raises(ValidationError):
        record(world, household, at(19, 0))
    assert NightVisitRequest.objects.get().status == NightVisitRequest.Status.REJECTED


def test_an_approval_for_named_beats_covers_only_those(world, household):
    approve(world, beats=[world.beat_a1_1])
    assert record(world, household, at(19, 0)).night_request is not None
    assert LiaisonCard.objects.get(pk=household.pk).last_visit_on == DAY
