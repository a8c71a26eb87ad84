"""Writes on the bulletin shelf: publish a bulletin, withdraw it early. Keyword-only, the
acting user first, one transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.exceptions import TransitionError
from accounts.models import Beat, Headquarters, Station, User
from network.bulletins.models import BULLETIN_FILE_MAX, Bulletin
from network.bulletins.policy import publish_require, withdraw_require

PDF_MAGIC = b"%PDF"


def pdf_check(content: bytes) -> None:
    """A PDF no larger than a leaflet's, and a PDF indeed (its first bytes), whatever its
    name says."""
    if len(content) > BULLETIN_FILE_MAX:
        raise ValidationError(
            {"pdf": "PDFの大きさは5MBまでです。ページを減らすか、圧縮してから添付してください。"}
        )
    if not content.startswith(PDF_MAGIC):
        raise ValidationError(
            {"pdf": "PDFファイルではありません。PDF形式で保存したファイルを添付してください。"}
        )


@transaction.atomic
def bulletin_publish(
    *,
    actor: User,
    station: Station | None = None,
    headquarters: Headquarters | None = None,
    publisher_name: str,
    kind: str,
    title: str,
    body: str = "",
    pdf: bytes | None = None,
    pdf_name: str = "",
    beats: Iterable[Beat] = (),
    valid_from: dt.date,
    valid_until: dt.date,
) -> Bulletin:
    """Put one bulletin on the shelf of a station (its beats, or the whole station) or of
    HQ (every station of it)."""
    if (station is None) == (headquarters is None):
        raise ValidationError({"publisher": "掲載先を選んでください。"})
    publish_require(actor, station=station, headquarters=headquarters)
    beats = list(beats)
    errors: dict[str, str] = {}
    if headquarters is not None and beats:
        errors["beats"] = (
            "本部の地域安全情報は全署に掲載されます。受持区を選ばずに掲載してください。"
        )
    elif station is not None and any(b.post.station_id != station.pk for b in beats):
        errors["beats"] = "掲載先の署の受持区を選んでください。"
    if valid_until < valid_from:
        errors["valid_until"] = "掲載終了日は掲載開始日と同じか、それより後にしてください。"
    if not body.strip() and not pdf:
        errors["body"] = "本文を入力するか、PDFを添付してください。"
    if errors:
        raise ValidationError(errors)
    if pdf:
        pdf_check(pdf)
    bulletin = Bulletin(
        station=station,
        headquarters=headquarters,
        publisher_name=publisher_name.strip(),
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        pdf=pdf or None,
        pdf_name=(pdf_name or "bulletin.pdf")[:120] if pdf else "",
        valid_from=valid_from,
        valid_until=valid_until,
        published_by=actor,
    )
    bulletin.full_clean()
    bulletin.save()
    bulletin.beats.set(beats)
    return bulletin


@transaction.atomic
def bulletin_withdraw(*, actor: User, bulletin: Bulletin) -> Bulletin:
    """Take a bulletin off the shelf before its end: it was valid until yesterday (Tokyo).
    One that had not begun before today ends where it began, yesterday: shown no more."""
    fresh = Bulletin.objects.select_for_update().defer("pdf").get(pk=bulletin.pk)
    withdraw_require(actor, fresh)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    if fresh.valid_until <= yesterday:
        raise TransitionError("この地域安全情報は、すでに掲載を終えています。")
    fresh.valid_until = yesterday
    # The period's constraint (from ≤ until): a bulletin starting today or later never ran.
    fresh.valid_from = min(fresh.valid_from, yesterday)
    fresh.save(update_fields=["valid_from", "valid_until"])
    return fresh
