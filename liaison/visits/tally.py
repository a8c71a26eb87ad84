"""The progress figures' rollup (VisitTally): visits counted per station, book, officer and
Tokyo month, so that the progress pages read a few hundred rows instead of every visit.

Kept by the services, in the same transaction as the visit they write, rather than by
database triggers: the rule of what counts (a night visit, a follow-up still open) stays in
Python beside the selectors that read it, in one form for PostgreSQL and SQLite, and every
path that writes a visit is a service (visit_record, visit_follow_up_done, card_move,
dedicated_day_set / _remove). What bypasses them (the bench's SQL, a correction made by hand
in the database) is covered by visit_tally_rebuild, which `manage.py progress_rollup_rebuild`
runs, and `--check` finds the drift. Each change is one INSERT … ON CONFLICT DO UPDATE with
increments (both databases), so that writers on the same row add up instead of overwriting;
the services write it last in their transaction, after every other lock they take, so that
the shared row is held only until the commit and never while waiting for something else.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, DateField, Q, QuerySet
from django.db.models.functions import TruncMonth

from accounts.utils import dates
from liaison.visits.models import Visit, VisitTally

# (station_id, book_id, officer_id, month)
Key = tuple[int, int, int, dt.date]
COUNTS = VisitTally.COUNTS
_FOLLOW_UP = ~Q(follow_up_department="")


def _key(visit: Visit) -> Key:
    return (visit.station_id, visit.book_id, visit.officer_id, _month(visit.started_at))


def _month(started_at: dt.datetime) -> dt.date:
    return dates.month_first(dates.local_date(started_at))


def _counts(visit: Visit) -> tuple[int, ...]:
    raised = bool(visit.follow_up_department)
    return (
        1,
        int(visit.night_request_id is not None),
        int(visit.on_dedicated_day),
        int(raised),
        int(raised and visit.follow_up_done_at is None),
    )


class TallyChange:
    """Net changes to the rollup, written at save() in one statement. remove() a visit as it
    was before a change and add() it as it is after: only what moved is written."""

    def __init__(self) -> None:
        self._net: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COUNTS))

    def add(self, visit: Visit, sign: int = 1) -> None:
        row = self._net[_key(visit)]
        for index, value in enumerate(_counts(visit)):
            row[index] += sign * value

    def remove(self, visit: Visit) -> None:
        self.add(visit, sign=-1)

    def save(self) -> None:
        # Keys in one order, so that two writers touching the same rows cannot deadlock.
        rows = [(key, net) for key, net in sorted(self._net.items()) if any(net)]
        self._net.clear()
        if rows:
            _upsert(rows)


def _upsert(rows: list[tuple[Key, list[int]]]) -> None:
    table = connection.ops.quote_name(VisitTally._meta.db_table)
    columns = ("station_id", "book_id", "officer_id", "month", *COUNTS)
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    params: list[int | dt.date] = []
    for key, net in rows:
        params.extend([*key, *net])
    increments = ", ".join(f"{name} = t.{name} + excluded.{name}" for name in COUNTS)
    # Only the table's own name and column names are formatted in; the values are params.
    sql = (
        f"INSERT INTO {table} AS t ({', '.join(columns)}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT (station_id, book_id, officer_id, month) DO UPDATE SET {increments}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def visit_tally_add(*, visits: Iterable[Visit]) -> None:
    """Count new visits in (call inside the transaction that saved them)."""
    change = TallyChange()
    for visit in visits:
        change.add(visit)
    change.save()


def _expected(visits: QuerySet[Visit]) -> QuerySet:
    """The rollup as the visits say it, grouped in the database (the Tokyo month)."""
    return (
        visits.order_by()
        .annotate(month=TruncMonth("started_at", output_field=DateField()))
        .values("station_id", "book_id", "officer_id", "month")
        .annotate(
            visits=Count("pk"),
            night_visits=Count("pk", filter=Q(night_request__isnull=False)),
            dedicated_visits=Count("pk", filter=Q(on_dedicated_day=True)),
            follow_ups_raised=Count("pk", filter=_FOLLOW_UP),
            follow_ups_open=Count("pk", filter=_FOLLOW_UP & Q(follow_up_done_at__isnull=True)),
        )
    )


def _scope(station_id: int | None) -> tuple[QuerySet[Visit], QuerySet[VisitTally]]:
    visits, tallies = Visit.objects.all(), VisitTally.objects.all()
    if station_id is not None:
        visits, tallies = (
            visits.filter(station_id=station_id),
            tallies.filter(station_id=station_id),
        )
    return visits, tallies


@transaction.atomic
def visit_tally_rebuild(*, station_id: int | None = None) -> int:
    """Count the rollup again from the visits (of one station, or all); returns the rows
    written. Idempotent. Writers wait for it (their visits then add to the new rows);
    readers do not."""
    if connection.vendor == "postgresql":
        # EXCLUSIVE lets the pages read the old rows meanwhile, but holds any writer's
        # upsert until the new rows are in: no visit is counted twice or lost.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {VisitTally._meta.db_table} IN EXCLUSIVE MODE")
    visits, tallies = _scope(station_id)
    tallies.delete()
    rows = [VisitTally(**row) for row in _expected(visits)]
    VisitTally.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@dataclass(frozen=True)
class TallyDifference:
    key: Key
    expected: tuple[int, ...]
    found: tuple[int, ...]


def visit_tally_check(*, station_id: int | None = None) -> list[TallyDifference]:
    """Where the rollup and the visits disagree (rows of zeros count as absent)."""
    visits, tallies = _scope(station_id)
    zero = (0,) * len(COUNTS)
    expected = {
        (r["station_id"], r["book_id"], r["officer_id"], r["month"]): tuple(r[n] for n in COUNTS)
        for r in _expected(visits)
    }
    found = {
        (r[0], r[1], r[2], r[3]): tuple(r[4:])
        for r in tallies.values_list("station_id", "book_id", "officer_id", "month", *COUNTS)
    }
    return [
        TallyDifference(key, expected.get(key, zero), found.get(key, zero))
        for key in sorted(expected.keys() | found.keys())
        if expected.get(key, zero) != found.get(key, zero)
    ]
