"""Celery tasks of the HQ audit: the daily chain verification and the daily anomaly
detection. Tasks take plain values and call services.

Each keeps the name it was registered under when it lived in accounts/tasks.py: the beat
schedule (config/settings/base.py) sends tasks by name, and a task already queued in Redis
under the old name must still find its worker. Do not rename them.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="accounts.tasks.access_log_verify")
def access_log_verify() -> dict[str, object]:
    """Daily: walk every chain of the access log; on a break, tell HQ auditors."""
    check = services.access_log_verify(actor=None)
    return {"ok": check.ok, "checked": check.checked}


@shared_task(name="accounts.tasks.anomalies_detect")
def anomalies_detect(day: str | None = None) -> dict[str, int]:
    """Daily (for yesterday) and on demand: turn the day's access patterns into cases."""
    on = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
    return services.anomalies_detect(actor=None, day=on)
