"""Alerts in the archive for the tests of alerts.archive: a draft taken through its chain by
the services (report, each approval, the sender's send), then given the marks the sending
queue sets when the fan-out begins and ends (alerts.delivery is another helper's; these
tests stand in for it with the two timestamps and the status only)."""

from __future__ import annotations

import datetime as dt

from alerts.drafts import services as alert_services
from alerts.drafts.models import Alert, AlertKind, AlertStatus
from tests.alerts.conftest import OFFICE_MORNING, TOKYO, through_the_chain


def tokyo(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TOKYO)


def scheduled(alert: Alert, now: dt.datetime = OFFICE_MORNING) -> Alert:
    """The draft reported, approved at every step and sent by the sender's desk."""
    return through_the_chain(alert, now=now)


def went_out(alert: Alert, at: dt.datetime, *, done: bool = True) -> Alert:
    """The queue's marks: the fan-out began at `at` (SENDING), and ended (SENT) if done."""
    Alert.objects.filter(pk=alert.pk).update(
        status=AlertStatus.SENT if done else AlertStatus.SENDING,
        sending_started_at=at,
        sent_at=at + dt.timedelta(minutes=2) if done else None,
    )
    alert.refresh_from_db()
    return alert


def archived(make_draft, code: str, at: dt.datetime = OFFICE_MORNING, **fields) -> Alert:
    """A sent alert of the category, gone out at `at`."""
    return went_out(scheduled(make_draft(code, **fields)), at)


def follow_up(first: Alert, kind: str = AlertKind.FOLLOW_UP, **fields) -> Alert:
    """A 続報・訂正・検挙等 of `first`, drafted by its author, with the given fields."""
    alert = alert_services.follow_up_start(actor=first.author, parent=first, kind=kind)
    if fields:
        alert = alert_services.alert_update(
            actor=first.author, alert=alert, version=alert.version, **fields
        )
    return alert
