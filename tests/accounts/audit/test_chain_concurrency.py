"""Eight people reading cards at once: every event lands on a chain, no position is taken
twice or skipped, and the log verifies. Each writer is its own connection and transaction,
as in production."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from accounts.audit import chain
from accounts.models import AccessEvent
from accounts.services import access_event_record
from tests.conftest import build_world

pytestmark = pytest.mark.postgres

WRITERS = 8
EACH = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_every_chain_whole():
    world = build_world()
    people = [world.beat_officer, world.chief, world.supervisor, world.staff]
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(index: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                access_event_record(
                    user=people[index % len(people)],
                    action=AccessEvent.Action.VIEW,
                    object_type="liaison.liaisoncard",
                    object_id=index * 1000 + i,
                )
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    events = AccessEvent.objects.filter(object_type="liaison.liaisoncard")
    assert events.count() == WRITERS * EACH
    # The writers did not all queue on one chain.
    assert events.values("chain").distinct().count() > 1
    result = chain.verify()
    assert result.ok, result.first and result.first.describe()
    assert result.checked == AccessEvent.objects.count()
