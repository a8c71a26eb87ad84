"""Ten million access events for the audit measures, generated in SQL and hash-chained.

A year of a busy station's access log: 200 events per card (10,000,000 for the 50,000
cards), spread over the 365 days before today (weekdays full, Saturdays and Sundays about a
third, the New Year holidays quiet), mostly in duty hours (08:30–17:15, a lunch dip, some
evening work, little at night). The users are the station's officers and its 地域課長, a
few of them much busier than the others; each reads the cards of their own beat (the
地域課長 those of the whole station). Mix: card views (about half), book lists, searches,
corrections, visit records, prints, exports with their record_count, sign-ins; about 0.1%
refused reads out of scope, 0.02% break-the-glass reads, a few failed sign-ins.

The log is hash-chained (accounts.audit.chain): 16 chains, `seq` without gaps in each, and
hash = sha256(prev_hash || accounts_ae_canonical(row)). The append trigger would do this row
by row under the head's lock, far too slowly for ten million rows; so the load runs in one
transaction with the triggers off (`session_replication_role = replica`, or the append
trigger disabled when the role is not a superuser) and does the trigger's work set-based,
one day per statement:

- event n (0, 1, 2 … in time order) goes to chain n % 16 at position head + n // 16 + 1,
  after whatever the chain already holds, so that each chain's positions follow time;
- a running aggregate `pg_temp.bench_ae_chain(head_hash, accounts_ae_canonical(row))
  OVER (PARTITION BY chain ORDER BY seq)` — the very canonical function the trigger uses —
  gives each row's hash, `lag(hash)` its prev_hash; the day's last hash of each chain is the
  next day's starting point;
- the rows go in in time order (ids follow time, as in production), and the 16 heads are
  set to each chain's last position and hash at the end;
- the table's six plain indexes are dropped for the load and made again at its end, in the
  same transaction (six indexes kept up to date row by row would triple the load).

On 2 CPUs shared with other work (load average about 5), the ten million rows took 11.5
minutes to insert and chain, 2 minutes to index and 12 seconds to VACUUM ANALYZE; one day's
statement (30,000 rows) takes 0.8 s on a quieter moment, 2 s under that load.

The result passes accounts.audit.chain.verify_day for any day and verify() as a whole.
The statements themselves are in bench/audit_sql.py; this module chooses the people, the
cards and the days, and runs the load.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import permissions
from accounts.models import (
    AccessChainHead,
    Appointment,
    BeatAssignment,
    Role,
    User,
)
from liaison.cards.models import LiaisonCard

from . import audit_sql
from .generate import World

EVENTS_PER_CARD = 200  # 10,000,000 events for the bench's 50,000 cards
DAYS = 365
CHAINS = audit_sql.CHAINS
TABLE = audit_sql.TABLE
HEADS = AccessChainHead._meta.db_table
CARD = "liaison.liaisoncard"
BOOK = "liaison.liaisonbook"

# Share of the day's events in each half hour (Tokyo), from 00:00: duty hours 08:30–17:15
# with a lunch dip, some evening work, little at night.
HALF_HOURS = (
    [0.02] * 12  # 00:00–06:00
    + [0.1, 0.15, 0.3, 0.5]  # 06:00–08:00
    + [0.7, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]  # 08:00–12:00
    + [0.45, 0.6]  # 12:00–13:00
    + [1.0] * 8  # 13:00–17:00
    + [0.6, 0.35, 0.25, 0.2, 0.15, 0.12]  # 17:00–20:00
    + [0.08, 0.06, 0.04, 0.03, 0.03, 0.02, 0.02, 0.02]  # 20:00–24:00
)
QUANTILES = 1024


@dataclass
class Actor:
    """One user of the station as the log records them."""

    user_id: int
    username: str
    role: str
    station_id: int | None
    weight: int
    lo: int  # 1-based range of the card array this user mostly reads
    hi: int
    ip: str


def events_target(world: World) -> int:
    return world.cards * EVENTS_PER_CARD


def events_present() -> int:
    """Events on the chains, from the heads: instant, where count(*) would scan 10M rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(sum(seq), 0) FROM {HEADS}")
        return int(cursor.fetchone()[0])


def events_ensure(world: World) -> float | None:
    """Generate the events unless (95% of) them are there; the seconds it took, or None."""
    target = events_target(world)
    have = events_present()
    if have >= target * 0.95:
        return None
    started = time.perf_counter()
    print(f"  閲覧記録 {target - have:,} 件を作成中…", flush=True)
    _generate(world, target - have)
    print(f"  VACUUM ANALYZE {TABLE}…", end="", flush=True)
    vacuumed = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {TABLE}")
    print(f"{time.perf_counter() - vacuumed:.0f} 秒", flush=True)
    seconds = time.perf_counter() - started
    print(f"  閲覧記録を作成しました（{seconds:.1f} 秒）")
    return seconds


# --- The people and the cards ------------------------------------------------------------


def _cards(world: World) -> tuple[list[int], list[int], list[int], dict[int, tuple[int, int]]]:
    """Card ids in book order, each card's book and that book's size, and each book's
    1-based (first, last) index in the array."""
    rows = list(
        LiaisonCard.objects.filter(station=world.station, book__isnull=False)
        .order_by("book_id", "pk")
        .values_list("pk", "book_id")
    )
    sizes: dict[int, int] = {}
    spans: dict[int, tuple[int, int]] = {}
    for index, (_, book) in enumerate(rows, start=1):
        sizes[book] = sizes.get(book, 0) + 1
        first = spans.get(book, (index, index))[0]
        spans[book] = (first, index)
    return [pk for pk, _ in rows], [b for _, b in rows], [sizes[b] for _, b in rows], spans


def _actors(world: World, spans: dict[int, tuple[int, int]], total: int) -> list[Actor]:
    """The station's users with a station or post appointment. The beat officer the person
    measure searches for and the 地域課長 are the busiest, two other officers busy too."""
    user_ids = sorted(
        set(
            Appointment.objects.filter(granted_at__isnull=False, revoked_at__isnull=True)
            .filter(Q(station=world.station) | Q(post__station=world.station))
            .values_list("user_id", flat=True)
        )
    )
    beats: dict[int, list[int]] = {}
    for officer_id, beat_id in BeatAssignment.objects.filter(
        officer_id__in=user_ids, granted_at__isnull=False, revoked_at__isnull=True
    ).values_list("officer_id", "beat_id"):
        beats.setdefault(officer_id, []).append(beat_id)
    actors = []
    busy = 0
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        roles = permissions.active_roles(user)
        station = permissions.home_station(user)
        own = [spans[b] for b in beats.get(user.pk, []) if b in spans]
        if own and not roles & {Role.CHIEF, Role.STATION_MANAGER, Role.STAFF}:
            lo, hi = min(s[0] for s in own), max(s[1] for s in own)
        else:
            lo, hi = 1, total
        if user.pk == world.beat_officer.pk:
            weight = 5
        elif Role.CHIEF in roles:
            weight = 4
        elif own and busy < 2:
            busy += 1
            weight = 3
        else:
            weight = 1
        actors.append(
            Actor(
                user_id=user.pk,
                username=user.employee_number,
                role=permissions.acting_role(user),
                station_id=station.pk if station else None,
                weight=weight,
                lo=lo,
                hi=hi,
                ip=f"10.20.{len(actors) // 200 + 1}.{len(actors) % 200 + 10}",
            )
        )
    return actors


# --- Time ------------------------------------------------------------------------------------


def _day_weights(days: list[dt.date]) -> list[float]:
    out = []
    for day in days:
        if (day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3):
            out.append(0.25)
        elif day.weekday() == 5:
            out.append(0.35)
        elif day.weekday() == 6:
            out.append(0.3)
        else:
            out.append(1.0)
    return out


def _counts(total: int, weights: list[float]) -> list[int]:
    """`total` split by weights, exactly (largest cumulative rounding)."""
    whole = sum(weights)
    out, done, cum = [], 0, 0.0
    for w in weights:
        cum += w
        upto = round(total * cum / whole)
        out.append(upto - done)
        done = upto
    return out


def _quantiles() -> list[float]:
    """Seconds after midnight at cumulative share k / QUANTILES of a day's events: the
    inverse of HALF_HOURS' distribution, so that u -> time keeps the order of u."""
    whole = sum(HALF_HOURS)
    edges = [0.0]
    for w in HALF_HOURS:
        edges.append(edges[-1] + w / whole)
    out = []
    slot = 0
    for k in range(QUANTILES + 1):
        share = k / QUANTILES
        while slot < len(HALF_HOURS) - 1 and edges[slot + 1] < share:
            slot += 1
        inside = (share - edges[slot]) / (edges[slot + 1] - edges[slot])
        out.append(min(86_399.999, (slot + min(1.0, max(0.0, inside))) * 1800.0))
    return out


# --- The load ------------------------------------------------------------------------------


def _heads_lock() -> tuple[list[int], list[str]]:
    """Every chain's head, created from the log where a flush removed it (as the trigger
    would), then locked for the load: (seq, hash) per chain 0..15."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {HEADS} (chain, seq, hash)
            SELECT c, coalesce((SELECT max(seq) FROM {TABLE} WHERE chain = c), 0),
                coalesce((SELECT hash FROM {TABLE} WHERE chain = c ORDER BY seq DESC LIMIT 1),
                         '')
            FROM generate_series(0, {CHAINS - 1}) AS c
            ON CONFLICT (chain) DO NOTHING
            """
        )
        cursor.execute(f"SELECT chain, seq, hash FROM {HEADS} ORDER BY chain FOR UPDATE")
        rows = cursor.fetchall()
    seqs, hashes = [0] * CHAINS, [""] * CHAINS
    for chain, seq, hash_ in rows:
        if chain < CHAINS:
            seqs[chain], hashes[chain] = int(seq), hash_
    return seqs, hashes


def _indexes_drop(cursor) -> list[str]:
    """Drop the table's plain indexes for the load and return their definitions: one
    CREATE INDEX over ten million rows takes seconds, where keeping six indexes up to date
    row by row would triple the load. The primary key and the unique (chain, seq) stay,
    so that a position given twice still fails. Dropped and made again in the load's
    transaction: an interrupted load leaves them as they were."""
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = %s::regclass AND NOT indisunique AND NOT indisprimary",
        [TABLE],
    )
    rows = cursor.fetchall()
    for name, _ in rows:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in rows]


def _triggers_off(cursor) -> bool:
    """Off for this transaction only: as a superuser the whole session skips user and
    foreign-key triggers (the ids come from existing rows); otherwise the append trigger
    is disabled (and enabled again before commit)."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")
        return False
    cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER accounts_ae_append")
    return True


def _generate(world: World, total: int) -> None:
    ids, books, sizes, spans = _cards(world)
    actors = _actors(world, spans, len(ids))
    pick = [i for i, a in enumerate(actors, start=1) for _ in range(a.weight)]
    today = timezone.localdate()
    days = [today - dt.timedelta(days=d) for d in range(DAYS, 0, -1)]
    counts = _counts(total, _day_weights(days))
    tz = timezone.get_current_timezone()
    sql = audit_sql.day_sql(audit_sql.columns())
    constant = {
        "pick": pick,
        "picks": len(pick),
        "lo": [a.lo for a in actors],
        "hi": [a.hi for a in actors],
        "users": [a.user_id for a in actors],
        "usernames": [a.username for a in actors],
        "roles": [a.role for a in actors],
        "stations": [a.station_id for a in actors],
        "ips": [a.ip for a in actors],
        "ids": ids,
        "books": books,
        "sizes": sizes,
        "cards": len(ids),
        "quantiles": QUANTILES,
        "q": _quantiles(),
        "card": CARD,
        "book": BOOK,
    }
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        enable = _triggers_off(cursor)
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute(audit_sql.AGGREGATE)
        base, heads = _heads_lock()
        indexes = _indexes_drop(cursor)
        last = list(base)
        n0 = 0
        for index, (day, count) in enumerate(zip(days, counts, strict=True)):
            if count:
                params = {
                    **constant,
                    "n0": n0,
                    "n1": n0 + count - 1,
                    "count": count,
                    "day": dt.datetime.combine(day, dt.time.min, tzinfo=tz),
                    "base": base,
                    "heads": heads,
                }
                cursor.execute(sql, params)
                for chain, seq, hash_ in cursor.fetchall():
                    last[chain], heads[chain] = seq, hash_
                n0 += count
            if index % 5 == 4 or index == len(days) - 1:
                print(
                    f"\r  閲覧記録を作成中 {index + 1}/{len(days)} 日、{n0:,} 件"
                    f"（{time.perf_counter() - started:.0f} 秒）",
                    end="",
                    flush=True,
                )
        print(f"\n  索引を作り直し中（{len(indexes)} 件）…", end="", flush=True)
        rebuilt = time.perf_counter()
        for definition in indexes:
            cursor.execute(definition)
        print(f"{time.perf_counter() - rebuilt:.0f} 秒", flush=True)
        # The heads: each chain's last position and hash.
        cursor.executemany(
            f"UPDATE {HEADS} SET seq = %s, hash = %s WHERE chain = %s",
            [(last[c], heads[c], c) for c in range(CHAINS)],
        )
        if enable:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER accounts_ae_append")
