"""Access events at given Tokyo times and anomaly cases, for the anomaly tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.audit.chain import append
from accounts.models import AccessEvent, AnomalyCase, User

CARD = "liaison.liaisoncard"


def tokyo(day: dt.date, hhmm: str = "10:00") -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time.fromisoformat(hhmm), tzinfo=timezone.get_default_timezone()
    )


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def event(user: User, at: dt.datetime, **fields) -> AccessEvent:
    """One event as access_event_record would store it, at a chosen time: linked into the
    chain by the trigger on PostgreSQL, by accounts.audit.chain on SQLite."""
    values = {
        "action": AccessEvent.Action.VIEW,
        "object_type": CARD,
        "object_id": "1",
        "outcome": AccessEvent.Outcome.SUCCESS,
        **fields,
    }
    return append(AccessEvent(occurred_at=at, user=user, username=user.employee_number, **values))


def reads(user: User, day: dt.date, count: int, *, hhmm: str = "10:00", **fields) -> None:
    """`count` card views by `user` on `day`, a second apart from hhmm (Tokyo)."""
    start = tokyo(day, hhmm)
    for i in range(count):
        event(user, start + dt.timedelta(seconds=i), object_id=str(1000 + i), **fields)


def case(
    subject: User,
    *,
    kind: str = AnomalyCase.Kind.OUT_OF_SCOPE,
    day: dt.date | None = None,
    **fields,
) -> AnomalyCase:
    """A case as detection would store it."""
    values = {
        "summary": "担当範囲外へのアクセス 1件",
        "figures": {"events": 1},
        "station": None,
        **fields,
    }
    return AnomalyCase.objects.create(kind=kind, subject=subject, day=day or yesterday(), **values)
