"""Officers of one beat recording visits at the same moment, while follow-ups are closed and
a card moves to another beat: every visit lands in the rollup once, on the same row of
beat, officer and month, and the rollup equals the raw count. Each writer is its own
connection and transaction, as in production."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from accounts.models import AccessEvent
from liaison.filing import services as filing_services
from liaison.visits import services as visits_services
from liaison.visits.models import Visit, VisitTally
from tests.conftest import build_world
from tests.liaison.conftest import book_of, make_household

from .conftest import MADE_AT, visit
from .test_rollup import assert_rollup_is_raw, check

pytestmark = pytest.mark.postgres

WRITERS = 6
EACH = 8
NOVEMBER = dt.date(2026, 11, 1)


def run_at_once(jobs: list[Callable[[], None]]) -> None:
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            start.wait()
            job()
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_one_beat_officer_and_month():
    world = build_world()
    officer, beat = world.beat_officer, world.beat_a1_1
    cards = [
        make_household(officer, beat, banchi=f"7-{n}", made_at=MADE_AT) for n in range(WRITERS)
    ]

    def record(card, first_day: int) -> Callable[[], None]:
        def job() -> None:
            for i in range(EACH):
                # Every other visit asks a department to act.
                visit(
                    officer,
                    card,
                    dt.date(2026, 11, first_day + i % 4),
                    hh=9 + i % 7,
                    follow_up_department="safety" if i % 2 else "",
                )

        return job

    run_at_once([record(card, 2) for card in cards])
    key = {"station": world.station_a, "book_id": beat.pk, "officer": officer, "month": NOVEMBER}
    row = VisitTally.objects.get(**key)
    assert (row.visits, row.follow_ups_raised, row.follow_ups_open) == (
        WRITERS * EACH,
        WRITERS * EACH // 2,
        WRITERS * EACH // 2,
    )
    assert_rollup_is_raw()

    # At once: the first card moves to beat A1-2 while its follow-ups and the second
    # card's are closed, and the other cards get more visits.
    def close(card) -> Callable[[], None]:
        def job() -> None:
            for item in Visit.objects.filter(card=card).exclude(follow_up_department=""):
                # The 取扱責任者 writes both beats' cards: before or after the move.
                visits_services.visit_follow_up_done(
                    actor=world.supervisor, visit=item, note="対応済み"
                )

        return job

    def move() -> None:
        filing_services.card_move(
            actor=world.supervisor,
            card=cards[0],
            book=book_of(world.beat_a1_2),
            reason="受持区の境界変更",
        )

    run_at_once([move, close(cards[0]), close(cards[1])] + [record(card, 10) for card in cards[2:]])
    assert_rollup_is_raw()
    assert check() == ""
    moved = VisitTally.objects.get(**{**key, "book_id": world.beat_a1_2.pk})
    assert (moved.visits, moved.follow_ups_open) == (EACH, 0)
    stayed = VisitTally.objects.get(**key)
    assert stayed.visits == (WRITERS - 1) * EACH + (WRITERS - 2) * EACH
    # Cards 2 to 5: half of each phase's visits still wait on a department.
    assert stayed.follow_ups_open == (WRITERS - 2) * EACH
    # Nothing was lost from the access log either: one event per visit recorded.
    assert AccessEvent.objects.filter(summary__startswith="巡回連絡の記録").count() == (
        WRITERS * EACH + (WRITERS - 2) * EACH
    )
