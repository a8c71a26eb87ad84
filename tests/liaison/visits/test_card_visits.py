"""The card page lists its latest visits, newest first, and offers 「巡回連絡を記録」 and
「不在（ワンタップ）」 to the officer who visits its beat only."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from liaison.visits import services
from liaison.visits.models import VisitOutcome
from tests.liaison.views import page

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evening():
    with time_machine.travel(at(21, 30), tick=False):
        yield


def card_url(card) -> str:
    return reverse("liaison:card_detail", kwargs={"pk": card.pk})


def test_the_latest_visits_are_listed_newest_first(world, login, household):
    services.visit_absent(actor=world.beat_officer, card=household, at=at(9, 0))
    services.visit_record(
        actor=world.beat_officer,
        card=household,
        started_at=at(15, 0),
        ended_at=at(15, 10),
        outcome=VisitOutcome.MET,
        follow_up_department="safety",
    )
    text = page(login(world.supervisor).get(card_url(household)))
    later, earlier = text.index("2026年11月30日 15:00"), text.index("2026年11月30日 09:00")
    assert later < earlier
    assert "未対応</span> 生活安全課" in text


@pytest.mark.parametrize(
    ("persona", "offered"),
    [
        ("beat_officer", True),
        ("supervisor", False),
        ("chief", False),
        ("station_manager", False),
        ("overall_manager", False),
    ],
)
def test_only_the_beat_officer_gets_the_buttons(world, login, household, persona, offered):
    text = page(login(getattr(world, persona)).get(card_url(household)))
    assert "巡回連絡（最近の記録）" in text
    assert ("巡回連絡を記録" in text) is offered
    assert ("不在（ワンタップ）" in text) is offered
    assert ('action="' + reverse("liaison:visit_absent", args=[household.pk]) in text) is offered
