"""Writes of handed cards: record one, collect it (the card is then filed or corrected),
or give it up with a reason. Keyword-only, the acting user first, one transaction each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import AccessEvent, Beat, User
from accounts.services import access_event_record
from accounts.utils.history import history_save
from liaison.cards.models import CardStatus, LiaisonBook, LiaisonCard
from liaison.handouts.models import CardHandout

from .. import text

OBJECT = "liaison.cardhandout"


def default_collect_by(handed_on: dt.date) -> dt.date:
    return handed_on + dt.timedelta(days=settings.CARD_HANDOUT_COLLECT_DAYS)


def _log(actor: User, handout: CardHandout, action: str, summary: str) -> None:
    access_event_record(
        user=actor, action=action, obj=handout, station=handout.station, summary=summary
    )


@transaction.atomic
def handout_record(
    *,
    actor: User,
    book: LiaisonBook,
    handed_on: dt.date,
    collect_by: dt.date | None = None,
    card: LiaisonCard | None = None,
    town: str = "",
    banchi: str = "",
    building: str = "",
    room: str = "",
    resident_name: str = "",
) -> CardHandout:
    """The beat officer handed a blank card (要領 第6-2(1)ア): for a new household at an
    address, or for a filed card whose household will write its changes. Not a visit."""
    if not permissions.has_perm(actor, "record_visits", Beat(pk=book.pk)):
        raise PermissionDenied("この受持区でカードの手交を記録できるのは受持警察官です。")
    errors: dict[str, str] = {}
    if card is not None:
        if card.book_id != book.pk or card.status != CardStatus.FILED:
            raise ValidationError(
                "手交したカードは、この受持区に編てつされたカードを選んでください。"
            )
        if CardHandout.objects.filter(card=card, status=CardHandout.Status.OPEN).exists():
            raise ValidationError("このカードはすでに手交中です（回収待ち）。")
        town, banchi = card.town, card.banchi
        building, room = card.building, card.room
        resident_name = resident_name or card.head_name
    elif not town.strip():
        errors["town"] = "カードを手交した住所の町字を入力してください。"
    if card is None and not banchi.strip():
        errors["banchi"] = "カードを手交した住所の番地を入力してください。"
    collect_by = collect_by or default_collect_by(handed_on)
    if handed_on > timezone.localdate():
        errors["handed_on"] = "手交日に未来の日付は入力できません。"
    if collect_by < handed_on:
        errors["collect_by"] = "回収予定日は手交日以降の日付にしてください。"
    if errors:
        raise ValidationError(errors)
    handout = CardHandout(
        book=book,
        station_id=Beat.objects.values_list("post__station_id", flat=True).get(pk=book.pk),
        card=card,
        town=town.strip(),
        banchi=banchi.strip(),
        building=building.strip(),
        room=room.strip(),
        resident_name=text.name(resident_name),
        handed_on=handed_on,
        collect_by=collect_by,
        officer=actor,
    )
    history_save(handout, actor=actor, reason="カードの手交")
    _log(actor, handout, AccessEvent.Action.CREATE, "カードの手交の記録")
    return handout


def _locked_open(actor: User, handout: CardHandout) -> CardHandout:
    fresh = CardHandout.objects.select_for_update().get(pk=handout.pk)
    if fresh.status != CardHandout.Status.OPEN:
        raise TransitionError(
            f"この手交はすでに「{fresh.get_status_display()}」です。もう一度は記録できません。"
        )
    if not permissions.has_perm(actor, "change_beat_cards", Beat(pk=fresh.book_id)):
        raise PermissionDenied("この受持区の手交を回収・断念として記録する権限がありません。")
    return fresh


def _close(actor: User, handout: CardHandout, status: str, reason: str) -> CardHandout:
    handout.status = status
    handout.closed_at = timezone.now()
    handout.closed_by = actor
    history_save(handout, actor=actor, reason=reason)
    return handout


@transaction.atomic
def handout_collect(*, actor: User, handout: CardHandout) -> CardHandout:
    """The resident gave back the card handed for his filed card: collected; the officer
    now corrects (補正) that card with what was written."""
    fresh = _locked_open(actor, handout)
    if fresh.card_id is None:
        raise TransitionError("新しい世帯の手交は、回収したカードを作成すると回収済みになります。")
    _close(actor, fresh, CardHandout.Status.COLLECTED, "回収")
    _log(actor, fresh, AccessEvent.Action.UPDATE, "手交したカードの回収")
    return fresh


@transaction.atomic
def handout_collect_new_card(
    *, actor: User, handout: CardHandout, kind: str, draft: bool = False, **card_kwargs: Any
) -> LiaisonCard:
    """The resident gave back the blank card: the officer makes the card from it (filed,
    or a draft to finish) in the handout's book, and the handout is collected with it."""
    from liaison.cards.services import card_create

    fresh = _locked_open(actor, handout)
    if fresh.card_id is not None:
        raise TransitionError("このカードは作成済みのカードの手交です。カードを補正してください。")
    card = card_create(actor=actor, kind=kind, book=fresh.book, draft=draft, **card_kwargs)
    fresh.card = card
    _close(actor, fresh, CardHandout.Status.COLLECTED, "回収（カードの作成）")
    _log(actor, fresh, AccessEvent.Action.UPDATE, "手交したカードの回収")
    return card


@transaction.atomic
def handout_give_up(*, actor: User, handout: CardHandout, reason: str) -> CardHandout:
    """Not coming back (moved away, refused after all …): closed with the reason."""
    fresh = _locked_open(actor, handout)
    if not reason.strip():
        raise ValidationError(
            {"reason": "回収を断念する理由を入力してください（例：転出のため）。"}
        )
    fresh.give_up_reason = reason.strip()
    _close(actor, fresh, CardHandout.Status.GIVEN_UP, f"回収を断念：{reason.strip()}")
    _log(actor, fresh, AccessEvent.Action.UPDATE, "手交したカードの回収を断念")
    return fresh
