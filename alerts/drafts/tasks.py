"""Celery tasks of alert drafts: the daily reminder to consider a follow-up (issue 13 point
7). Registered under its module name, which the beat schedule (config/settings/base.py)
sends; config/celery.py has Celery find this module (a feature package, not an app)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="alerts.drafts.tasks.follow_up_reminders")
def follow_up_reminders() -> int:
    """Daily: remind the authors of open 不審者・脅威事犯 alerts to consider a follow-up."""
    return services.follow_up_reminders()
