"""Celery tasks of accounts. Tasks take ids and call services."""

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


@shared_task
def access_log_verify() -> dict[str, object]:
    """Daily: walk every chain of the access log; on a break, tell HQ auditors."""
    from .audit.services import access_log_verify as verify

    check = verify(actor=None)
    return {"ok": check.ok, "checked": check.checked}


@shared_task
def anomalies_detect(day: str | None = None) -> dict[str, int]:
    """Daily (for yesterday) and on demand: turn the day's access patterns into cases."""
    import datetime as dt

    from django.utils import timezone

    from .audit.anomalies import anomalies_detect as detect

    on = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
    return detect(actor=None, day=on)
