"""Celery tasks of accounts (appointments, notices, the queue's ping). Tasks take ids and
call services. The audit's tasks are in accounts.audit.tasks."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from . import services
from .models import Notice


@shared_task
def appointments_apply_due() -> dict[str, int]:
    granted, revoked = services.appointments_apply_due()
    return {"granted": granted, "revoked": revoked}


@shared_task
def ping() -> str:
    """Round trip through the broker and a worker (used by the queue test and healthz)."""
    return "pong"


@shared_task
def notices_mail(notice_ids: list[int]) -> int:
    """Mail each notice to its recipient: the title and a link, nothing personal."""
    sent = 0
    for notice in Notice.objects.filter(pk__in=notice_ids).select_related("recipient"):
        if not notice.recipient.email:
            continue
        link = f"{settings.SITE_URL}{notice.url}" if notice.url else settings.SITE_URL
        send_mail(
            subject=f"[巡回連絡システム] {notice.title}",
            message=f"{notice.title}\n\n詳細はシステムで確認してください。\n{link}\n",
            from_email=None,
            recipient_list=[notice.recipient.email],
        )
        sent += 1
    return sent
