"""Issue 10 point 6: one definition of 要訪問 (due) and 期限超過 (overdue). One beat's
figures read the same on every page that shows them: the station's progress page, HQ's,
the reviewer's home panel, the officer's worklist and his home panel, the book's 受持区要覧
and the takeover page.

The issue's case first: cards filed today and never visited are due today (期限「本日まで」)
but not overdue; the progress page said 期限超過 4 while the worklist said 「4件（うち期限超過
0件）」.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import BeatAssignment
from liaison.filing import services as filing_services
from liaison.planning import services as planning_services
from liaison.visits import services as visits_services
from liaison.visits.models import VisitOutcome
from tests.html import row, stat, text
from tests.liaison.conftest import MEMBERS, make_household

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
DAY = dt.date(2026, 11, 30)
LONG_AGO = dt.datetime(2023, 1, 10, 9, 0, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def afternoon():
    with time_machine.travel(dt.datetime.combine(DAY, dt.time(15, 0), tzinfo=TOKYO), tick=False):
        yield


def card(world, banchi: str, **data):
    return make_household(
        world.beat_officer, world.beat_a1_1, members=[MEMBERS[0]], banchi=banchi, **data
    )


def visit(world, target, days_ago: int, outcome=VisitOutcome.MET):
    start = dt.datetime.combine(DAY - dt.timedelta(days=days_ago), dt.time(10, 0), tzinfo=TOKYO)
    visits_services.visit_record(
        actor=world.beat_officer, card=target, started_at=start, ended_at=start, outcome=outcome
    )


def beat_row(page) -> list[str]:
    """The station page's row of beat A1-1 after its post: to visit, visited, coverage,
    due, overdue…"""
    return row(page, "第1受持区")[1:]


def figures_everywhere(world, login) -> dict[str, tuple[str, str]]:
    """(due, overdue) of beat A1-1 as each page shows them."""
    chief, officer, hq = login(world.chief), None, None
    station = chief.get(reverse("liaison:station_progress", kwargs={"pk": world.station_a.pk}))
    home_chief = text(chief.get(reverse("accounts:home")))
    hq = login(world.overall_manager)
    hq_cells = row(hq.get(reverse("liaison:progress_home")), "中央警察署")
    officer = login(world.beat_officer)
    worklist = text(officer.get(reverse("liaison:worklist")))
    home_officer = text(officer.get(reverse("accounts:home")))
    book = officer.get(reverse("liaison:book_detail", kwargs={"pk": world.beat_a1_1.pk}))
    assignment = BeatAssignment.objects.get(officer=world.beat_officer, beat=world.beat_a1_1)
    takeover = officer.get(reverse("liaison:takeover", kwargs={"pk": assignment.pk}))

    work = re.search(r"要訪問 (\d+)件（うち期限超過 (\d+)件）", worklist)
    panel_officer = re.search(r"(\d+)件 本日の要訪問 .*?(\d+)件 うち期限超過", home_officer)
    panel_chief = re.search(r"要訪問 (\d+)件（うち期限超過 (\d+)件）", home_chief)
    return {
        "station": tuple(beat_row(station)[3:5]),
        # Station A has beat A1-1's cards only.
        "hq": tuple(hq_cells[3:5]),
        "home_chief": panel_chief.groups(),
        "worklist": work.groups(),
        "home_officer": panel_officer.groups(),
        "book": (stat(book, "要訪問"), stat(book, "期限超過")),
        "takeover": (stat(takeover, "要訪問"), stat(takeover, "期限超過")),
    }


def test_cards_filed_today_are_due_not_overdue_on_every_page(world, login):
    for n in range(4):
        card(world, f"1-{n + 1}")  # filed today, never visited

    found = figures_everywhere(world, login)

    assert set(found.values()) == {("4", "0")}, found
    worklist = text(login(world.beat_officer).get(reverse("liaison:worklist")))
    assert worklist.count("本日まで") == 4


def test_one_beat_reads_the_same_everywhere(world, login):
    planning_services.visit_policy_set(
        actor=world.regional_director,
        headquarters=world.hq,
        reason="一人暮らしの高齢者は90日",
        elderly_alone_cycle_days=90,
    )
    card(world, "1-1")  # filed today: due, not overdue
    old = card(world, "2-1", made_at=LONG_AGO)
    visit(world, old, days_ago=400)  # overdue by 35 days
    recent = card(world, "3-1", made_at=LONG_AGO)
    visit(world, recent, days_ago=10)  # within its cycle: not due
    elderly = card(world, "4-1", made_at=LONG_AGO, care_elderly_alone=True)
    visit(world, elderly, days_ago=100)  # overdue under the 90-day cycle
    absent = card(world, "5-1", made_at=LONG_AGO)
    visit(world, absent, days_ago=0, outcome=VisitOutcome.ABSENT)  # 不在 today: still due
    closed = card(world, "6-1", made_at=LONG_AGO)
    filing_services.card_close(
        actor=world.beat_officer, card=closed, version=None, reason="moved", closed_on=DAY
    )

    found = figures_everywhere(world, login)

    # 5 counted, 1 within its cycle: 4 due; overdue: old, elderly and absent (filed in 2023).
    assert set(found.values()) == {("4", "3")}, found
    worklist = text(login(world.beat_officer).get(reverse("liaison:worklist")))
    assert "本日訪問して不在だった1件は、この一覧に載せていません" in worklist
