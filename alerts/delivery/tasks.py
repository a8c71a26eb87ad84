"""Celery tasks of the sending queue, registered under their module names (the beat schedule
in config/settings/base.py sends dispatch and reap every 5 s). Each takes JSON ids only and
calls alerts.delivery.services; each stays far inside the task time limit (20 s).

- fan_out(alert_id): the alert's deliveries (alerts.drafts.decisions.hand_over sends it).
- send_batch(delivery_ids): claim, send and mark those rows.
- dispatch(): fan out the SCHEDULED alerts whose time has come, publish the due rows,
  settle the alerts with nothing left to send.
- reap(): put back what a dead worker held (settings.ALERTS_REAPER).
"""

from __future__ import annotations

from celery import shared_task

from ..drafts.models import Alert
from . import services
from .models import Delivery


@shared_task(name="alerts.delivery.tasks.fan_out")
def fan_out(alert_id: int) -> int:
    alert = Alert.objects.filter(pk=alert_id).first()
    return services.deliveries_create(alert=alert) if alert is not None else 0


@shared_task(name="alerts.delivery.tasks.send_batch")
def send_batch(delivery_ids: list[int]) -> dict[str, int]:
    counts = services.deliveries_send(delivery_ids=delivery_ids)
    if counts["sent"] or counts["failed"] or counts["dropped"]:
        # An alert whose last rows these were is SENT now, not at the next dispatch (and
        # in eager mode, with no beat, at all).
        alert_ids = set(
            Delivery.objects.filter(pk__in=delivery_ids).values_list("alert_id", flat=True)
        )
        services.alerts_settle(alert_ids=alert_ids)
    return counts


@shared_task(name="alerts.delivery.tasks.dispatch")
def dispatch() -> dict[str, int]:
    fanned = 0
    for pk in services.alerts_due():
        alert = Alert.objects.filter(pk=pk).first()
        if alert is not None:
            fanned += services.deliveries_create(alert=alert)
    published = services.deliveries_publish()
    settled = services.alerts_settle()
    return {"fanned_out": fanned, "published": published, "settled": settled}


@shared_task(name="alerts.delivery.tasks.reap")
def reap() -> dict[str, int]:
    stuck, republished = services.deliveries_reap()
    return {"stuck": stuck, "republished": republished}
