"""The evening digest (issue 14 point 5): a subscriber's rows marked in_digest go out together
as ONE mail listing each alert (alerts.delivery.mailer.render_digest), all its rows marked
together. Its Message-ID names the subscriber, the Tokyo day and the first row, so that the
same digest sent again after a crash carries the same one, and a second digest the same
evening (an alert after the digest time goes at once, as a digest of one) another."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol, TypeVar

from django.conf import settings

from .. import hours


class _Row(Protocol):
    id: int
    subscriber_id: int | None
    in_digest: bool


R = TypeVar("R", bound=_Row)


def message_id(*, subscriber_id: int, day: dt.date, first_row: int) -> str:
    return f"<digest-{subscriber_id}.{day:%Y%m%d}.{first_row}@{settings.ALERTS_SENDING_DOMAIN}>"


def tokyo_day(when: dt.datetime) -> dt.date:
    return hours.tokyo_day_start(when).date()


def by_subscriber(rows: Iterable[R]) -> dict[int, list[R]]:
    """A task's digest rows per subscriber, each list in row order."""
    groups: dict[int, list[R]] = {}
    for row in sorted(rows, key=lambda r: r.id):
        if row.in_digest and row.subscriber_id is not None:
            groups.setdefault(row.subscriber_id, []).append(row)
    return groups
