"""Retention: past AUDIT_RETENTION_DAYS, access events and history rows go to a signed
archive, which is read back and checked before anything is removed through the one path the
triggers allow; the chain still verifies afterwards, and a broken chain is never purged."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import chain, retention
from accounts.models import AccessEvent, AccessLogPurge
from liaison.cards import services
from liaison.cards.models import CardMember, LiaisonCard
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.postgres

YEAR = dt.timedelta(days=365)


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path) -> Path:
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "archive"
    return settings.AUDIT_ARCHIVE_DIR


def event(when: dt.datetime, n: int = 0) -> AccessEvent:
    """An event at `when`, as stored (the trigger fills its chain, position and hash)."""
    created = chain.append(
        AccessEvent(
            occurred_at=when,
            username="100001",
            action=AccessEvent.Action.VIEW,
            outcome=AccessEvent.Outcome.SUCCESS,
            object_type="liaison.liaisoncard",
            object_id=str(100 + n),
            summary=f"カードの閲覧（{n}）",
        )
    )
    return AccessEvent.objects.get(pk=created.pk)


@pytest.fixture
def old_events(db) -> list[AccessEvent]:
    """Six-year-old events, recorded before anything else in the test (first in seq)."""
    start = timezone.now() - 6 * YEAR
    return [event(start + dt.timedelta(minutes=i), i) for i in range(5)]


def purge(*args: str) -> str:
    out = StringIO()
    call_command("access_log_purge", *args, stdout=out)
    return out.getvalue()


def manifests(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.manifest.json"))


def age_creation(card: LiaisonCard, when: dt.datetime) -> None:
    """The card and its members as if filed at `when` (history has no trigger)."""
    LiaisonCard.history.filter(id=card.pk, history_type="+").update(history_date=when)
    CardMember.history.filter(card_id=card.pk, history_type="+").update(history_date=when)


def test_old_events_and_history_are_archived_then_removed(old_events, world, archive_dir):
    card = make_household(world.beat_officer, world.beat_a1_1)
    age_creation(card, timezone.now() - 6 * YEAR)
    card = services.card_update(
        actor=world.beat_officer,
        card=card,
        version=card.version,
        data={"room": "101"},
        reason="部屋番号の訂正",
    )
    new_ids = set(
        AccessEvent.objects.exclude(pk__in=[e.pk for e in old_events]).values_list("pk", flat=True)
    )

    output = purge()

    # Old events gone, every newer one kept.
    assert not AccessEvent.objects.filter(pk__in=[e.pk for e in old_events]).exists()
    assert set(AccessEvent.objects.values_list("pk", flat=True)) == new_ids
    # History older than the cutoff gone (the creations), the correction kept.
    assert list(LiaisonCard.history.filter(id=card.pk).values_list("history_type", flat=True)) == [
        "~"
    ]
    assert not CardMember.history.filter(card_id=card.pk).exists()
    # The chain still verifies, from the anchor the purge left.
    assert chain.verify().ok
    purge_row = AccessLogPurge.objects.get()
    last = old_events[-1]
    assert purge_row.anchors == {str(last.chain): [last.seq, last.hash]}
    assert (purge_row.event_count, purge_row.history_count) == (5, 4)
    assert "閲覧記録 5件と変更履歴 4件を削除しました" in output
    assert "異常なし" in output

    # The archive holds every field of the events and the history rows, and verifies.
    [manifest_path] = manifests(archive_dir)
    manifest = json.loads(manifest_path.read_text())
    assert manifest["sha256"] == purge_row.archive_sha256
    assert manifest["signature"] == purge_row.signature
    assert manifest["events"]["count"] == 5 and manifest["history"]["card"]["count"] == 1
    assert manifest["history"]["member"]["count"] == 3
    with gzip.open(archive_dir / manifest["archive"], "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    events = [r for r in rows if r["table"] == "accounts_accessevent"]
    assert [(r["chain"], r["seq"], r["hash"]) for r in events] == [
        (e.chain, e.seq, e.hash) for e in old_events
    ]
    assert set(events[0]) >= {"id", "occurred_at", "summary", "prev_hash", "hash", "record_count"}
    assert {r["table"] for r in rows} == {
        "accounts_accessevent",
        "liaison_historicalliaisoncard",
        "liaison_historicalcardmember",
    }
    assert retention.archive_verify(manifest_path).ok
    verified = StringIO()
    call_command("verify_access_archive", str(manifest_path), stdout=verified)
    assert "正常" in verified.getvalue()


def test_the_history_page_says_older_changes_were_removed(old_events, world, login):
    card = make_household(world.beat_officer, world.beat_a1_1)
    age_creation(card, timezone.now() - 6 * YEAR)
    services.card_update(
        actor=world.beat_officer, card=card, version=card.version, data={"room": "1"}, reason="訂正"
    )
    purge()
    url = reverse("accounts:audit_history_object", args=["card", card.pk])
    html = login(world.auditor).get(url).content.decode()
    assert "これより前の履歴は保存期間を過ぎて削除されたため" in html


def test_a_dry_run_removes_and_writes_nothing(old_events, world, archive_dir):
    before = AccessEvent.objects.count()
    output = purge("--dry-run")
    assert (
        "閲覧記録 5件" in output and "削除する予定" in output and "何も削除していません" in output
    )
    assert AccessEvent.objects.count() == before
    assert not AccessLogPurge.objects.exists()
    assert not archive_dir.exists() or not any(archive_dir.iterdir())


def test_events_after_a_newer_one_in_the_chain_are_kept(db, archive_dir):
    """Only a prefix of each chain goes: an old event recorded after a newer one stays, so
    that the chain never has a hole."""
    first_old = event(timezone.now() - 6 * YEAR, 1)
    newer = event(timezone.now() - dt.timedelta(days=1), 2)
    late_old = event(timezone.now() - 6 * YEAR, 3)
    purge()
    remaining = set(AccessEvent.objects.values_list("pk", flat=True))
    assert first_old.pk not in remaining
    assert {newer.pk, late_old.pk} <= remaining
    assert chain.verify().ok


def test_before_takes_an_earlier_cutoff_but_never_a_later_one(old_events, db, archive_dir):
    newer = event(timezone.now() - 5 * YEAR - dt.timedelta(days=30), 9)
    # The command cuts at Tokyo midnight: the events' day is their Tokyo date.
    day = timezone.localtime(timezone.now() - 6 * YEAR + dt.timedelta(minutes=2)).date()
    with pytest.raises(CommandError, match="保存期間"):
        purge("--before", timezone.localdate().isoformat())
    with pytest.raises(CommandError, match="読めません"):
        purge("--before", "2020/04/01")
    assert AccessEvent.objects.count() == 6
    purge("--before", (day - dt.timedelta(days=1)).isoformat())
    assert AccessEvent.objects.count() == 6  # nothing before that day
    purge("--before", (day + dt.timedelta(days=1)).isoformat())
    assert list(AccessEvent.objects.values_list("pk", flat=True)) == [newer.pk]
    assert chain.verify().ok


def _sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_broken_chain_refuses_to_purge(old_events, db, archive_dir):
    event(timezone.now(), 9)
    # A superuser drops the trigger and rewrites an old event (the migration's name).
    _sql("DROP TRIGGER accounts_ae_no_update ON accounts_accessevent")
    _sql("UPDATE accounts_accessevent SET summary = '改ざん' WHERE id = %s", [old_events[2].pk])
    _sql(
        "CREATE TRIGGER accounts_ae_no_update BEFORE UPDATE ON accounts_accessevent "
        "FOR EACH ROW EXECUTE FUNCTION accounts_ae_refuse()"
    )
    with pytest.raises(CommandError) as refused:
        purge()
    message = str(refused.value)
    assert "削除しません" in message
    assert f"系列{old_events[2].chain}の{old_events[2].seq}番" in message
    assert AccessEvent.objects.count() == 6
    assert not AccessLogPurge.objects.exists()
    assert not archive_dir.exists() or not any(archive_dir.iterdir())


def test_without_the_purge_path_a_delete_is_refused(old_events):
    with pytest.raises(DatabaseError, match="DELETE"), transaction.atomic():
        AccessEvent.objects.filter(pk=old_events[0].pk).delete()
    with chain.purge_allowed():
        AccessEvent.objects.filter(pk=old_events[0].pk).delete()
    assert not AccessEvent.objects.filter(pk=old_events[0].pk).exists()
    # And the path closes again at the end of its block.
    with pytest.raises(DatabaseError, match="DELETE"), transaction.atomic():
        AccessEvent.objects.filter(pk=old_events[1].pk).delete()


# --- A tampered archive --------------------------------------------------------------------


@pytest.fixture
def archived(old_events, db, archive_dir) -> Path:
    event(timezone.now(), 9)
    purge()
    [manifest_path] = manifests(archive_dir)
    return manifest_path


def _rewrite(path: Path, rows: list[dict]) -> None:
    with gzip.open(path, "wb") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")


def _rows(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def test_a_changed_byte_in_the_archive_fails_the_digest(archived):
    manifest = json.loads(archived.read_text())
    path = archived.parent / manifest["archive"]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    check = retention.archive_verify(archived)
    assert not check.ok
    assert any("SHA-256" in p for p in check.problems)
    with pytest.raises(CommandError, match="検証に失敗"):
        call_command("verify_access_archive", str(archived), stdout=StringIO(), stderr=StringIO())


def test_an_edited_manifest_fails_the_signature(archived):
    manifest = json.loads(archived.read_text())
    manifest["cutoff"] = "2000-01-01T00:00:00+00:00"
    archived.write_text(json.dumps(manifest))
    check = retention.archive_verify(archived)
    assert any("署名" in p for p in check.problems)


def test_an_edited_event_fails_its_hash_even_with_a_new_signature(archived):
    """Someone holding the signing key rewrites an event and signs a new manifest: the
    event's own hash link still gives it away."""
    manifest = json.loads(archived.read_text())
    path = archived.parent / manifest["archive"]
    rows = _rows(path)
    rows[1]["summary"] = "書き換え"
    _rewrite(path, rows)
    import hashlib

    data = path.read_bytes()
    body = {k: v for k, v in manifest.items() if k != "signature"}
    body.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    archived.write_text(json.dumps({**body, "signature": retention.sign(body)}))
    check = retention.archive_verify(archived)
    assert check.problems == [
        f"系列{rows[1]['chain']}の{rows[1]['seq']}番: 内容がハッシュと一致しません"
    ]


def test_a_missing_archive_is_reported(archived):
    manifest = json.loads(archived.read_text())
    (archived.parent / manifest["archive"]).unlink()
    check = retention.archive_verify(archived)
    assert any("ありません" in p for p in check.problems)


# --- Many chains, two purges ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_purges_over_many_chains_keep_the_log_verifiable(archive_dir):
    """Outside one test transaction every insert is its own transaction, so the events
    spread over the chains; the second purge keeps the anchors of chains it does not touch."""
    now = timezone.now()
    for i in range(24):
        event(now - 7 * YEAR + dt.timedelta(minutes=i), i)
    for i in range(3):
        event(now - 6 * YEAR + dt.timedelta(minutes=i), 100 + i)
    for i in range(16):
        event(now - dt.timedelta(minutes=i), 200 + i)
    assert AccessEvent.objects.values("chain").distinct().count() > 3

    purge("--before", timezone.localtime(now - 6 * YEAR - dt.timedelta(days=30)).date().isoformat())
    first = AccessLogPurge.objects.get()
    assert first.event_count == 24 and len(first.anchors) > 3
    assert chain.verify().ok

    purge()
    second = AccessLogPurge.objects.latest("ran_at", "pk")
    assert second.event_count == 3
    assert set(second.anchors) >= set(first.anchors)  # untouched chains keep their anchor
    assert AccessEvent.objects.count() == 16
    assert chain.verify().ok
    for manifest_path in manifests(archive_dir):
        assert retention.archive_verify(manifest_path).ok
