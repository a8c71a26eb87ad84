"""Issue 15: the per-request floor. `/bench/floor/` (bench/floor.py, served only by the
bench's URLconf) is a signed-in page that shows nothing: the same middleware, session,
menu and layout as every page, and one access event. bench/run.py measures it first in
every run that measures a page, and reports each page's median beside it (`floor_ms`,
`over_floor_ms`: what the page itself costs).

Its baseline is the one thing the floor page must do in the database: the INSERT of its
access event into the log, through the chain's trigger, committed (autocommit, as the
request's own event). SELECT 1 would time a bare round trip, which that INSERT includes;
the INSERT says what no amount of work on the middleware can remove. Each repetition
adds one real link to the chains.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts import permissions
from accounts.models import AccessEvent

from ..generate import World
from ..harness import Measure

EVENTS = AccessEvent._meta.db_table
SUMMARY = "ベンチ（空のページ）"  # as bench/floor.py records it


def _event_insert(world: World) -> tuple[str, list[Any]]:
    """The columns the page's access_event_record writes; the trigger sets the chain, its
    position and the hashes."""
    chief = world.chief
    station = permissions.home_station(chief)
    sql = f"""
        INSERT INTO {EVENTS} (occurred_at, user_id, username, role, station_id, action,
            object_type, object_id, outcome, summary, client_ip, request_id, out_of_scope,
            break_glass, record_count, chain, seq, prev_hash, hash)
        VALUES (now(), %s, %s, %s, %s, 'view', '', '', 'success', %s, '127.0.0.1',
            replace(gen_random_uuid()::text, '-', ''), false, false, NULL, 0, 0, '', '')
        RETURNING id"""
    return sql, [
        chief.pk,
        chief.employee_number,
        permissions.acting_role(chief),
        station.pk if station else None,
        SUMMARY,
    ]


FLOOR = Measure(
    name="floor",
    title="床（サインイン済みの空のページ：ミドルウェア・セッション・メニュー・閲覧記録1件）",
    url=lambda w: reverse("bench_floor"),
    baseline=_event_insert,
)

MEASURES = [FLOOR]
