"""Tamper evidence of the access log on PostgreSQL: the triggers refuse changes, every
event is a link of a hash chain, and verification finds the first broken link."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.audit import chain
from accounts.models import AccessChainHead, AccessEvent
from accounts.services import access_event_record

pytestmark = pytest.mark.postgres


def _record(world, n: int, **extra) -> list[AccessEvent]:
    return [
        access_event_record(
            user=world.beat_officer,
            action=AccessEvent.Action.VIEW,
            object_type="liaison.liaisoncard",
            object_id=100 + i,
            summary=f"カードの閲覧（{i}）",
            **extra,
        )
        for i in range(n)
    ]


def _stored(events: list[AccessEvent]) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("seq"))


def _sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_each_event_is_the_next_link_of_its_chain(world):
    events = _stored(_record(world, 5, record_count=3))
    # One transaction keeps to one chain: the positions follow each other without a gap.
    assert len({e.chain for e in events}) == 1
    seqs = [e.seq for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + 5))
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    # The trigger's hash is the one the Python verifier computes from the stored row.
    for event in events:
        values = tuple(getattr(event, f) for f in chain.FIELDS)
        assert chain.link_hash(event.prev_hash, values) == event.hash
    head = AccessChainHead.objects.get(chain=events[-1].chain)
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)


def test_the_hash_covers_an_address_a_flag_and_japanese_text(world):
    from accounts.context import client_ip_var

    token = client_ip_var.set("2001:db8::1")
    try:
        event = _stored(_record(world, 1, break_glass=True, out_of_scope=True))[0]
    finally:
        client_ip_var.reset(token)
    assert event.client_ip == "2001:db8::1"
    assert chain.verify().ok


def test_update_is_refused(world):
    event = _record(world, 1)[0]
    with pytest.raises(DatabaseError, match="追記のみ"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(summary="書き換え")
    assert AccessEvent.objects.get(pk=event.pk).summary == "カードの閲覧（0）"


def test_delete_is_refused(world):
    event = _record(world, 1)[0]
    with pytest.raises(DatabaseError, match="DELETE"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_truncate_is_refused(world):
    _record(world, 2)
    with pytest.raises(DatabaseError, match="TRUNCATE"), transaction.atomic():
        _sql("TRUNCATE accounts_accessevent CASCADE")
    assert AccessEvent.objects.count() >= 2


def test_the_purge_path_lets_a_delete_through_and_nothing_else(world):
    event = _record(world, 1)[0]
    with chain.purge_allowed():
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert not AccessEvent.objects.filter(pk=event.pk).exists()
    # The permission ends with the block.
    other = _record(world, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=other.pk).delete()


def test_an_intact_log_verifies(world):
    _record(world, 6)
    result = chain.verify()
    assert result.ok
    assert result.checked == AccessEvent.objects.count()


def test_a_row_altered_in_the_middle_is_named(world):
    events = _stored(_record(world, 5))
    middle = events[2]
    # As a superuser would: drop the trigger, change the row, put the trigger back.
    _sql("DROP TRIGGER accounts_ae_no_update ON accounts_accessevent")
    _sql("UPDATE accounts_accessevent SET summary = '改ざん' WHERE id = %s", [middle.pk])
    _sql(
        "CREATE TRIGGER accounts_ae_no_update BEFORE UPDATE ON accounts_accessevent "
        "FOR EACH ROW EXECUTE FUNCTION accounts_ae_refuse()"
    )
    result = chain.verify()
    assert not result.ok
    assert result.first.event_id == middle.pk
    assert result.first.seq == middle.seq
    assert "内容がハッシュと一致しません" in result.first.reason


def test_a_rehashed_row_breaks_the_link_after_it(world):
    """Whoever also recomputes the altered row's own hash breaks the next row's link."""
    events = _stored(_record(world, 4))
    target = events[1]
    values = [getattr(target, f) for f in chain.FIELDS]
    values[chain.FIELDS.index("summary")] = "改ざん"
    forged = chain.link_hash(target.prev_hash, tuple(values))
    _sql("DROP TRIGGER accounts_ae_no_update ON accounts_accessevent")
    _sql(
        "UPDATE accounts_accessevent SET summary = '改ざん', hash = %s WHERE id = %s",
        [forged, target.pk],
    )
    result = chain.verify()
    assert result.first.event_id == events[2].pk
    assert "直前の記録のハッシュ" in result.first.reason


def test_a_removed_row_is_named_by_its_position(world):
    events = _stored(_record(world, 5))
    removed = events[2]
    _sql("DROP TRIGGER accounts_ae_no_delete ON accounts_accessevent")
    _sql("DELETE FROM accounts_accessevent WHERE id = %s", [removed.pk])
    result = chain.verify()
    assert not result.ok
    assert result.first.seq == removed.seq
    assert result.first.event_id == events[3].pk
    assert "欠落" in result.first.reason


def test_a_removed_last_row_is_found_through_the_chain_head(world):
    events = _stored(_record(world, 3))
    _sql("DROP TRIGGER accounts_ae_no_delete ON accounts_accessevent")
    _sql("DELETE FROM accounts_accessevent WHERE id = %s", [events[-1].pk])
    result = chain.verify()
    assert not result.ok
    assert result.first.seq == events[-1].seq
    assert "欠落" in result.first.reason


def test_verification_of_one_day_checks_that_days_positions(world):
    today = timezone.localdate()
    yesterday_noon = timezone.make_aware(dt.datetime.combine(today, dt.time(12)) - dt.timedelta(1))
    old = AccessEvent.objects.create(
        occurred_at=yesterday_noon, action="view", outcome="success", user=world.chief
    )
    new = _stored(_record(world, 3))
    day = chain.verify_day(today)
    assert day.ok
    # The positions today's events span, including yesterday's late arrival among them.
    today_seqs = [e.seq for e in AccessEvent.objects.filter(occurred_at__date=today)]
    assert day.checked == max(today_seqs) - min(today_seqs) + 1
    assert chain.verify_day(today - dt.timedelta(1)).checked == 1
    _sql("DROP TRIGGER accounts_ae_no_update ON accounts_accessevent")
    _sql("UPDATE accounts_accessevent SET object_id = '999' WHERE id = %s", [new[1].pk])
    assert chain.verify_day(today).first.event_id == new[1].pk
    assert chain.verify_day(today - dt.timedelta(1)).ok  # the day before is untouched
    assert old.pk
