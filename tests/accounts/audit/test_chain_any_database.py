"""The same append-only refusal and chain on either database: PostgreSQL in the suite,
SQLite (the embedded `make run`) in the smoke run."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from accounts.audit import chain
from accounts.models import AccessEvent
from accounts.services import access_event_record

REFUSED = (DatabaseError, IntegrityError)


def _record(world, n: int) -> list[AccessEvent]:
    return [
        access_event_record(
            user=world.beat_officer, action="print", object_type="liaison.liaisoncard", object_id=i
        )
        for i in range(n)
    ]


def _drop_update_trigger() -> None:
    on = " ON accounts_accessevent" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER accounts_ae_no_update{on}")


@pytest.mark.smoke
def test_events_can_be_added_but_not_changed_or_removed(world):
    event = _record(world, 1)[0]
    with pytest.raises(REFUSED, match="追記のみ"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(object_id="9")
    with pytest.raises(REFUSED, match="追記のみ"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert AccessEvent.objects.get(pk=event.pk).object_id == "0"
    with chain.purge_allowed():
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert not AccessEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.smoke
def test_the_chain_verifies_and_names_an_altered_event(world):
    events = _record(world, 4)
    assert chain.verify().ok
    _drop_update_trigger()
    AccessEvent.objects.filter(pk=events[2].pk).update(object_id="99")
    result = chain.verify()
    assert result.first.event_id == events[2].pk
