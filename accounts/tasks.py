"""Celery tasks of accounts. Tasks take ids and call services."""

from celery import shared_task

from . import services


@shared_task
def appointments_apply_due() -> dict[str, int]:
    granted, revoked = services.appointments_apply_due()
    return {"granted": granted, "revoked": revoked}


@shared_task
def ping() -> str:
    """Round trip through the broker and a worker (used by the queue test and healthz)."""
    return "pong"
