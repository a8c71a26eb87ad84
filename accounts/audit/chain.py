"""Tamper evidence of the access log: hash chains, their verification and the purge path.

The log is ACCESS_CHAINS independent chains. An event joins the chain picked by its
transaction id, takes the next position (`seq`) in it and carries
    hash = sha256(prev_hash || canonical(event))
where `canonical` is each field as `<length>:<text>`, so no two contents read alike. On
PostgreSQL a BEFORE INSERT trigger (migration 0004) does this under the chain head's row
lock: writers on different chains never wait for each other, writers on one chain for one
short insert and commit. On SQLite (the embedded `make run`) `append` does it in Python
under a process lock; SQLite serialises writers anyway.

Removing or altering a row shows as a gap in `seq`, a `prev_hash` that is not the hash
before it, or a hash that does not cover the content. Only retention may remove rows, and
only inside `purge_allowed()` (the one path the triggers let through); it leaves the last
removed position and hash of each chain in AccessLogPurge as the verifier's anchor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import Max, Min
from django.utils import timezone

from ..models import AccessChainHead, AccessEvent, AccessLogPurge

ACCESS_CHAINS = 16  # the trigger's modulus; heads 0..15 exist from migration 0004
PURGE_SETTING = "accounts.access_log_purge"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICRO = dt.timedelta(microseconds=1)
_sqlite_lock = threading.Lock()

# The columns the hash covers, in order (the trigger's accounts_ae_canonical agrees).
FIELDS = (
    "chain",
    "seq",
    "occurred_at",
    "user_id",
    "username",
    "role",
    "station_id",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "summary",
    "client_ip",
    "request_id",
    "out_of_scope",
    "break_glass",
    "record_count",
)
ROW = ("id", *FIELDS, "prev_hash", "hash")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return str((value - _EPOCH) // _MICRO)
    return str(value)


def canonical(values: tuple) -> str:
    """The content of an event (values in FIELDS order) as one unambiguous string."""
    parts = []
    for value in values:
        text = _text(value)
        parts.append(f"{len(text)}:{text}")
    return "".join(parts)


def link_hash(prev_hash: str, values: tuple) -> str:
    return hashlib.sha256((prev_hash + canonical(values)).encode()).hexdigest()


def append(event: AccessEvent) -> AccessEvent:
    """Insert `event` as the next link: by the trigger on PostgreSQL, here on SQLite."""
    if connection.vendor == "postgresql":
        event.save(force_insert=True)
        return event
    with _sqlite_lock, transaction.atomic():
        head, _ = AccessChainHead.objects.select_for_update().get_or_create(chain=0)
        event.chain, event.seq, event.prev_hash = 0, head.seq + 1, head.hash
        event.hash = link_hash(head.hash, tuple(getattr(event, f) for f in FIELDS))
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


# --- Verification -----------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    chain: int
    seq: int
    event_id: int | None
    reason: str

    def describe(self) -> str:
        where = f"系列{self.chain}の{self.seq}番"
        if self.event_id is not None:
            where += f"（記録ID {self.event_id}）"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Verification:
    checked: int
    breaks: list[Break]

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first(self) -> Break | None:
        """The first broken link: the earliest position of the earliest broken chain."""
        if not self.breaks:
            return None
        return min(self.breaks, key=lambda b: (b.event_id is None, b.event_id or 0, b.chain))


def _anchors() -> dict[int, tuple[int, str]]:
    """Where each chain starts now: at the last removed position, or at the beginning."""
    purge = AccessLogPurge.objects.order_by("-ran_at", "-pk").first()
    anchors = dict.fromkeys(range(ACCESS_CHAINS), (0, ""))
    if purge is not None:
        for chain, (seq, hash_) in purge.anchors.items():
            anchors[int(chain)] = (int(seq), str(hash_))
    return anchors


def _walk(
    chain: int, rows: Iterator[tuple], start: tuple[int, str], end: int
) -> tuple[int, Break | None]:
    """Check rows of one chain in seq order from the anchor `start` up to position `end`."""
    expected_seq, expected_hash = start[0] + 1, start[1]
    checked = 0
    for row in rows:
        event_id, values, prev_hash, hash_ = row[0], row[1:-2], row[-2], row[-1]
        seq = values[1]
        if seq > end:
            break
        checked += 1
        if seq != expected_seq:
            return checked, Break(
                chain,
                expected_seq,
                event_id,
                f"{expected_seq}番から{seq - 1}番の記録が欠落しています",
            )
        if prev_hash != expected_hash:
            return checked, Break(
                chain,
                seq,
                event_id,
                "直前の記録のハッシュと一致しません（前の記録の改変または削除）",
            )
        if link_hash(prev_hash, values) != hash_:
            return checked, Break(
                chain, seq, event_id, "内容がハッシュと一致しません（この記録の改変）"
            )
        expected_seq, expected_hash = seq + 1, hash_
    if expected_seq <= end:
        return checked, Break(
            chain, expected_seq, None, f"{expected_seq}番から{end}番の記録が欠落しています"
        )
    return checked, None


def _rows(chain: int, lo: int, hi: int) -> Iterator[tuple]:
    return (
        AccessEvent.objects.filter(chain=chain, seq__gte=lo, seq__lte=hi)
        .order_by("seq")
        .values_list(*ROW)
        .iterator(chunk_size=5000)
    )


def verify() -> Verification:
    """Walk every chain from its anchor to its head."""
    anchors = _anchors()
    heads = {h.chain: h for h in AccessChainHead.objects.all()}
    checked, breaks = 0, []
    for chain in range(ACCESS_CHAINS):
        head = heads.get(chain)
        start = anchors[chain]
        # A missing head (a flushed test database) ends the chain at its last stored event.
        end = head.seq if head is not None else _last_seq(chain)
        if end <= start[0]:
            continue
        count, broken = _walk(chain, _rows(chain, start[0] + 1, end), start, end)
        checked += count
        if broken is None and head is not None and not _head_matches(chain, head):
            broken = Break(chain, head.seq, None, "最後の記録が系列の末尾と一致しません")
        if broken is not None:
            breaks.append(broken)
    return Verification(checked=checked, breaks=breaks)


def _last_seq(chain: int) -> int:
    last = AccessEvent.objects.filter(chain=chain).order_by("-seq").values_list("seq", flat=True)
    return next(iter(last[:1]), 0)


def _head_matches(chain: int, head: AccessChainHead) -> bool:
    last = AccessEvent.objects.filter(chain=chain, seq=head.seq).values_list("hash", flat=True)
    return list(last) == [head.hash]


def verify_day(day: dt.date) -> Verification:
    """Walk the positions that the events of `day` (Tokyo) occupy, from the link before."""

    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    spans = (
        AccessEvent.objects.filter(
            occurred_at__gte=start, occurred_at__lt=start + dt.timedelta(days=1)
        )
        .values("chain")
        .annotate(lo=Min("seq"), hi=Max("seq"))
        .order_by("chain")
    )
    anchors = _anchors()
    checked, breaks = 0, []
    for span in spans:
        chain, lo, hi = span["chain"], span["lo"], span["hi"]
        anchor_seq, anchor_hash = anchors[chain]
        if lo - 1 > anchor_seq:
            before = AccessEvent.objects.filter(chain=chain, seq=lo - 1).values_list(
                "hash", flat=True
            )
            found = list(before)
            if not found:
                breaks.append(Break(chain, lo - 1, None, f"{lo - 1}番の記録が欠落しています"))
                continue
            anchor_seq, anchor_hash = lo - 1, found[0]
        count, broken = _walk(
            chain, _rows(chain, anchor_seq + 1, hi), (anchor_seq, anchor_hash), hi
        )
        checked += count
        if broken is not None:
            breaks.append(broken)
    return Verification(checked=checked, breaks=breaks)


# --- The one path that may remove events ------------------------------------------------


@contextmanager
def purge_allowed(using: str = "default"):
    """Let DELETE and TRUNCATE through to the access log for the enclosed transaction.

    Used by retention (access_log_purge) and by the flush that empties a test or bench
    database. PostgreSQL: a transaction-local setting the trigger reads. SQLite: the
    refusing triggers are dropped and created again inside the same transaction.
    """
    conn = connections[using]
    with transaction.atomic(using=using):
        with conn.cursor() as cursor:
            if conn.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
            elif conn.vendor == "sqlite":
                cursor.execute("DROP TRIGGER IF EXISTS accounts_ae_no_delete")
        yield
        with conn.cursor() as cursor:
            if conn.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'off', true)", [PURGE_SETTING])
            elif conn.vendor == "sqlite":
                cursor.execute(SQLITE_NO_DELETE)


SQLITE_NO_UPDATE = """
CREATE TRIGGER IF NOT EXISTS accounts_ae_no_update BEFORE UPDATE ON accounts_accessevent
BEGIN SELECT RAISE(ABORT, '閲覧記録は追記のみです（UPDATEは拒否されました）'); END
"""
SQLITE_NO_DELETE = """
CREATE TRIGGER IF NOT EXISTS accounts_ae_no_delete BEFORE DELETE ON accounts_accessevent
BEGIN SELECT RAISE(ABORT, '閲覧記録は追記のみです（DELETEは拒否されました）'); END
"""
