"""The services behind visits as their users meet them: a night request is decided once,
by the 地域課長等 of the officer's station, withdrawn only by its officer before that; HQ's
policy keeps its history; a visit moves the card's last visit (不在 only its last attempt)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import Notice
from liaison.night import services as night_services
from liaison.night.models import NightVisitRequest
from liaison.planning import services as planning_services
from liaison.planning import worklist
from liaison.planning.models import VisitPolicy
from liaison.visits import services as visits_services
from liaison.visits.models import VisitOutcome
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
DAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=TOKYO), tick=False):
        yield


def ask(world, **extra):
    values = {
        "date": DAY,
        "planned_start": dt.time(17, 30),
        "planned_end": dt.time(19, 30),
        "reason": "日中不在の世帯",
        **extra,
    }
    return night_services.night_request_create(actor=world.beat_officer, **values)


def test_a_request_tells_the_chief_and_the_decision_tells_the_officer(world):
    request = ask(world)
    assert Notice.objects.filter(recipient=world.chief, url__contains=str(request.pk)).exists()
    decided = night_services.night_request_decide(
        actor=world.chief, night=request, approve=True, comment="了解"
    )
    assert decided.status == NightVisitRequest.Status.APPROVED
    assert decided.decided_by == world.chief and decided.decided_at is not None
    assert Notice.objects.filter(recipient=world.beat_officer, title__contains="承認").exists()
    # Kept in the history: who asked, who decided.
    assert [h.history_user for h in decided.history.order_by("history_date")] == [
        world.beat_officer,
        world.chief,
    ]


def test_a_decision_is_final(world):
    request = night_services.night_request_decide(
        actor=world.chief, night=ask(world), approve=False, comment="計画を見直すこと"
    )
    with pytest.raises(TransitionError, match="不承認"):
        night_services.night_request_decide(actor=world.chief, night=request, approve=True)
    with pytest.raises(TransitionError):
        night_services.night_request_withdraw(actor=world.beat_officer, night=request)
    assert NightVisitRequest.objects.get().status == NightVisitRequest.Status.REJECTED


def test_rejecting_needs_a_reason(world):
    request = ask(world)
    with pytest.raises(ValidationError) as excinfo:
        night_services.night_request_decide(actor=world.chief, night=request, approve=False)
    assert "comment" in excinfo.value.message_dict
    assert NightVisitRequest.objects.get().status == NightVisitRequest.Status.PENDING


def test_only_the_officer_withdraws_and_only_before_the_decision(world):
    request = ask(world)
    with pytest.raises(PermissionDenied):
        night_services.night_request_withdraw(actor=world.chief, night=request)
    withdrawn = night_services.night_request_withdraw(actor=world.beat_officer, night=request)
    assert withdrawn.status == NightVisitRequest.Status.WITHDRAWN
    # Withdrawn: a new request for the same date may be made.
    assert ask(world).status == NightVisitRequest.Status.PENDING


@pytest.mark.parametrize("persona", ["supervisor", "station_manager", "other_officer"])
def test_only_a_chief_of_the_station_decides(world, persona):
    request = ask(world)
    with pytest.raises(PermissionDenied):
        night_services.night_request_decide(
            actor=getattr(world, persona), night=request, approve=True
        )


def test_a_request_that_does_not_need_approval_or_runs_late_is_refused(world):
    with pytest.raises(ValidationError) as excinfo:
        ask(world, planned_start=dt.time(15, 0), planned_end=dt.time(16, 30))
    assert "承認は要りません" in str(excinfo.value)
    with pytest.raises(ValidationError) as excinfo:
        ask(world, planned_end=dt.time(20, 30))
    assert "午後8時" in str(excinfo.value)
    with pytest.raises(ValidationError):
        ask(world, date=DAY - dt.timedelta(days=1))
    ask(world)
    with pytest.raises(ValidationError, match="すでに"):
        ask(world)


def test_someone_without_a_beat_cannot_ask(world):
    with pytest.raises(PermissionDenied):
        night_services.night_request_create(
            actor=world.supervisor,
            date=DAY,
            planned_start=dt.time(17, 30),
            planned_end=dt.time(19, 0),
            reason="x",
        )


def test_the_policy_is_set_by_the_regional_director_with_a_reason_and_keeps_its_history(world):
    # 要領 第5-2: the 地域部長, not the 統括管理責任者 (who reads it) nor a station.
    for someone in (world.chief, world.overall_manager):
        with pytest.raises(PermissionDenied, match="地域部長"):
            planning_services.visit_policy_set(actor=someone, headquarters=world.hq, reason="x")
    with pytest.raises(ValidationError):
        planning_services.visit_policy_set(
            actor=world.regional_director, headquarters=world.hq, reason=""
        )
    planning_services.visit_policy_set(
        actor=world.regional_director, headquarters=world.hq, reason="当初設定"
    )
    planning_services.visit_policy_set(
        actor=world.regional_director,
        headquarters=world.hq,
        reason="高齢者の見守り強化",
        elderly_alone_cycle_days=90,
    )
    policy = VisitPolicy.objects.get()
    assert policy.elderly_alone_cycle_days == 90
    reasons = [h.history_change_reason for h in policy.history.order_by("history_date")]
    assert reasons == ["当初設定", "高齢者の見守り強化"]
    with pytest.raises(ValidationError, match="通常の周期以下"):
        planning_services.visit_policy_set(
            actor=world.regional_director,
            headquarters=world.hq,
            reason="誤り",
            needs_support_cycle_days=400,
        )


def test_absent_moves_only_the_last_attempt(world):
    household = make_household(
        world.beat_officer,
        world.beat_a1_1,
        made_at=dt.datetime(2026, 11, 1, 9, 0, tzinfo=TOKYO),
    )
    start = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)
    visits_services.visit_record(
        actor=world.beat_officer,
        card=household,
        started_at=start,
        ended_at=start,
        outcome=VisitOutcome.ABSENT,
    )
    household.refresh_from_db()
    assert household.last_visit_on is None
    assert household.last_attempt_on == dt.date(2026, 12, 1)
    # An older visit recorded later does not move the dates back.
    visits_services.visit_record(
        actor=world.beat_officer,
        card=household,
        started_at=start - dt.timedelta(days=3),
        ended_at=start - dt.timedelta(days=3),
        outcome=VisitOutcome.MET,
    )
    household.refresh_from_db()
    assert household.last_visit_on == dt.date(2026, 11, 28)
    assert household.last_attempt_on == dt.date(2026, 12, 1)
    assert household.version == 1  # a visit is not a correction of the card


def test_the_worklist_follows_the_policy_and_drops_visited_cards(world, household):
    today = DAY
    work = worklist.worklist_get(user=world.beat_officer, today=today)
    assert [i.card.pk for i in work.items] == [household.pk]
    visits_services.visit_absent(actor=world.beat_officer, card=household)  # tried today
    work = worklist.worklist_get(user=world.beat_officer, today=today)
    assert work.items == []
    # Still due (不在 is no visit): off today's list only.
    assert (work.figures["due"], work.tried_today) == (1, 1)
    tomorrow = worklist.worklist_get(user=world.beat_officer, today=today + dt.timedelta(days=1))
    assert [i.card.pk for i in tomorrow.items] == [household.pk]


def test_supervisors_cannot_record_visits(world, household):
    with pytest.raises(PermissionDenied):
        visits_services.visit_absent(actor=world.supervisor, card=household)
