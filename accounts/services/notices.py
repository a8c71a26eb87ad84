"""Notices (お知らせ): putting one on people's home pages (mailed after commit where they
have an address) and marking one read."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..models import Notice, User


def notice_send(*, recipients: Iterable[User | None], title: str, url: str = "") -> list[Notice]:
    """Put a notice on each recipient's home page and mail those with an address.

    No personal data goes in a notice: a title that names no resident, and a link.
    The mail is queued after commit; the notice row is the record.
    """
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    notices = Notice.objects.bulk_create(
        Notice(recipient=user, title=title[:200], url=url) for user in people.values()
    )
    mailed = [n.pk for n in notices if people[n.recipient_id].email]
    if mailed:
        from ..tasks import notices_mail

        transaction.on_commit(lambda: notices_mail.delay(mailed))
    return notices


def notice_mark_read(*, actor: User, notice: Notice) -> Notice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice
