"""A card's way through the books (要領 第6-2(3)): submit, assign a beat, file, close, move
to another book. Each goes through liaison.cards.services._transition."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import AccessEvent, Beat, User
from accounts.services import notice_send
from liaison.cards.contents import _check_complete, _check_in_station, _members_of
from liaison.cards.models import (
    CardKind,
    CardStatus,
    LiaisonBook,
    LiaisonCard,
)
from liaison.cards.services import _card_url, _check_version, _log, _officers_of, _save, _transition
from liaison.visits.models import Visit
from liaison.visits.tally import TallyChange


@transaction.atomic
def card_submit(*, actor: User, card: LiaisonCard, version: int | None = None) -> LiaisonCard:
    """Other staff hand a finished card to the 地域課長等 (要領 第6-2(1)イ なお書き)."""
    fresh, to = _transition(card, "submit", actor=actor)
    _check_version(fresh, version)
    _check_complete(fresh, _members_of(fresh))
    _check_in_station(actor, fresh, fresh.station)
    fresh.status = to
    fresh.submitted_at = timezone.now()
    _save(fresh, actor=actor, reason="提出")
    _log(actor, AccessEvent.Action.UPDATE, fresh, "提出")
    # The 地域課長等 over the proposed beat (all of the station's when none is proposed).
    chiefs = permissions.station_people_over(
        fresh.station,
        "assign_submitted_cards",
        [fresh.proposed_book_id] if fresh.proposed_book_id else None,
    )
    notice_send(
        recipients=chiefs,
        title="提出された巡回連絡カードがあります（受持区の指定待ち）",
        url=reverse("liaison:submitted_list"),
    )
    return fresh


@transaction.atomic
def card_assign(*, actor: User, card: LiaisonCard, book: LiaisonBook) -> LiaisonCard:
    """The 地域課長等 names the beat whose officer will file a submitted card (第6-2(3)ウ)."""
    fresh, _ = _transition(card, "assign", actor=actor)
    station_id = Beat.objects.values_list("post__station_id", flat=True).get(pk=book.pk)
    if station_id != fresh.station_id:
        raise ValidationError({"book": "このカードを提出された警察署の受持区を選んでください。"})
    # 要領 第3-2(4): each 地域課長等 over his own 地域課's posts.
    if not permissions.has_perm(actor, "change_beat_cards", Beat(pk=book.pk)):
        raise ValidationError({"book": "あなたの地域課の交番・駐在所の受持区を選んでください。"})
    fresh.book = book
    fresh.assigned_at = timezone.now()
    _save(fresh, actor=actor, reason=f"受持区の指定（{book.beat}）")
    _log(actor, AccessEvent.Action.UPDATE, fresh, "受持区の指定")
    notice_send(
        recipients=_officers_of(book.pk),
        title="提出された巡回連絡カードの編てつを指示されました",
        url=_card_url(fresh),
    )
    return fresh


@transaction.atomic
def card_file(*, actor: User, card: LiaisonCard, version: int | None = None) -> LiaisonCard:
    """編てつ: a draft or an assigned submitted card enters its book."""
    fresh, to = _transition(card, "file", actor=actor)
    _check_version(fresh, version)
    if fresh.book_id is None:
        raise TransitionError("受持区が指定されていないカードは編てつできません。")
    _check_complete(fresh, _members_of(fresh))
    fresh.status = to
    fresh.filed_at = timezone.now()
    _save(fresh, actor=actor, reason="編てつ")
    _log(actor, AccessEvent.Action.UPDATE, fresh, "編てつ")
    return fresh


@transaction.atomic
def card_close(
    *,
    actor: User,
    card: LiaisonCard,
    version: int | None,
    reason: str,
    closed_on: dt.date,
    note: str = "",
) -> LiaisonCard:
    """転出・廃業: the card stays, closed, with reason and date; it is never deleted."""
    fresh, to = _transition(card, "close", actor=actor)
    _check_version(fresh, version)
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": "廃止日に未来の日付は入力できません。"})
    if fresh.kind == CardKind.APARTMENT and fresh.units.exclude(status=CardStatus.CLOSED).exists():
        raise ValidationError(
            "この集合住宅には廃止されていない世帯のカードがあります。先に各世帯のカードを廃止してください。"
        )
    fresh.status = to
    fresh.close_reason = reason
    fresh.closed_on = closed_on
    fresh.close_note = note
    _save(fresh, actor=actor, reason=f"廃止（{fresh.get_close_reason_display()}）")
    _log(actor, AccessEvent.Action.UPDATE, fresh, "廃止")
    return fresh


@transaction.atomic
def card_move(
    *, actor: User, card: LiaisonCard, book: LiaisonBook, reason: str, version: int | None = None
) -> LiaisonCard:
    """A boundary change moves a card (and an apartment's units) to another beat's book.
    The actor must be able to write both books."""
    fresh, _ = _transition(card, "move", actor=actor)
    _check_version(fresh, version)
    if book.pk == fresh.book_id:
        raise ValidationError({"book": "現在と同じ受持区です。移す先の受持区を選んでください。"})
    if not permissions.has_perm(actor, "change_beat_cards", Beat(pk=book.pk)):
        raise PermissionDenied("移す先の巡回連絡簿にカードを編てつする権限がありません。")
    if not reason.strip():
        raise ValidationError({"reason": "受持区を変更する理由を入力してください。"})
    station_id = Beat.objects.values_list("post__station_id", flat=True).get(pk=book.pk)
    to_move = (
        [fresh, *fresh.units.select_for_update()] if fresh.kind == CardKind.APARTMENT else [fresh]
    )
    why = f"受持区の変更：{reason.strip()}"
    tally = TallyChange()
    for item in to_move:
        item.book = book
        item.station_id = station_id
        _save(item, actor=actor, reason=why)
        _log(actor, AccessEvent.Action.UPDATE, item, "受持区の変更")
        # A card's visits and follow-ups go with it: the old beat's officer must not keep
        # seeing them (takeover, follow-ups), and the new beat's must. Saved one by one, so
        # that each move is in the visit's history.
        for visit in Visit.objects.select_for_update().filter(card=item).exclude(book=book):
            tally.remove(visit)
            visit.book = book
            visit.station_id = station_id
            visit._history_user = actor
            visit._change_reason = why
            visit.save(update_fields=["book", "station"])
            tally.add(visit)
    # The progress figures follow the visits to the new beat, in this transaction.
    tally.save()
    return fresh
