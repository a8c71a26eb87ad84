"""Writes on one card's contents: create and correct (要領 第6-2), with the guarded
`_transition` every card write goes through, and the access-log line of a card read.
Keyword-only, the acting user first, one transaction each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied, StaleEditError
from accounts.models import AccessEvent, Beat, Station, User
from accounts.services import access_event_record
from accounts.utils.history import history_save
from liaison.cards.contents import (
    _apply,
    _check_complete,
    _check_in_station,
    _normalise_member,
    _refresh_derived,
    _save_members,
    _save_vehicles,
)
from liaison.cards.models import (
    CardKind,
    CardStatus,
    LiaisonBook,
    LiaisonCard,
)
from liaison.cards.policy import ACTION_LABELS, card_check


# --- Locks, checks and derived columns -------------------------------------------------
def _locked(card: LiaisonCard) -> LiaisonCard:
    return LiaisonCard.objects.select_for_update().get(pk=card.pk)


def _transition(card: LiaisonCard, action: str, *, actor: User) -> tuple[LiaisonCard, str]:
    """Lock the row, check the move and the actor's right to it; return the fresh row and
    the status it moves to."""
    fresh = _locked(card)
    return fresh, card_check(actor, fresh, action)


def _check_version(card: LiaisonCard, version: int | None) -> None:
    if version is not None and card.version != version:
        from liaison.cards.history import card_change_list

        changes = card_change_list(card=card, version=version)
        names = "、".join(dict.fromkeys(c.label for c in changes)) or "内容"
        error = StaleEditError(
            f"このカードは開いた後に他の職員が保存しました（変更された項目：{names}）。"
            "入力内容は残してあります。最新の内容を確認してから、もう一度保存してください。"
        )
        error.changes = changes  # type: ignore[attr-defined]
        raise error


def _save(card: LiaisonCard, *, actor: User | None, reason: str, bump: bool = True) -> None:
    if bump and card.pk:
        card.version += 1
    history_save(card, actor=actor, reason=reason)


def _log(actor: User | None, action: str, card: LiaisonCard, summary: str, **extra: Any) -> None:
    access_event_record(
        user=actor,
        action=action,
        obj=card,
        station=card.station,
        summary=summary,
        **extra,
    )


def _officers_of(beat_id: int) -> list[User]:
    from accounts.models import BeatAssignment

    return [
        a.officer
        for a in BeatAssignment.objects.filter(
            beat_id=beat_id, granted_at__isnull=False, revoked_at__isnull=True
        ).select_related("officer")
    ]


def _card_url(card: LiaisonCard) -> str:
    return reverse("liaison:card_detail", kwargs={"pk": card.pk})


# --- Cards -------------------------------------------------------------------------------
@transaction.atomic
def card_create(
    *,
    actor: User,
    kind: str,
    data: dict[str, Any],
    members: list[dict[str, Any]] | None = None,
    vehicles: list[dict[str, Any]] | None = None,
    book: LiaisonBook | None = None,
    station: Station | None = None,
    parent: LiaisonCard | None = None,
    draft: bool = False,
    made_at: dt.datetime | None = None,
) -> LiaisonCard:
    """A new card. Into a book by someone who may write it: filed at once (要領 第6-2(3)イ),
    or kept as a draft. Without a book, by other staff of a station (第6-2(1)イ): submitted
    to the 地域課長等, or kept as a draft until submitted.

    `made_at`: when a card carried over from the paper book was made there (never in the
    future); its visits may go back to that day, not before."""
    if made_at is not None and made_at > timezone.now():
        raise ValidationError({"made_at": "カードの作成日時に未来の日時は指定できません。"})
    if kind not in CardKind.values:
        raise ValidationError({"kind": "カードの種別を選んでください。"})
    if book is not None:
        beat = Beat(pk=book.pk)
        if not permissions.has_perm(actor, "change_beat_cards", beat):
            raise PermissionDenied("この巡回連絡簿にカードを作成する権限がありません。")
        station_id = Beat.objects.values_list("post__station_id", flat=True).get(pk=book.pk)
        status = CardStatus.DRAFT if draft else CardStatus.FILED
    else:
        if station is None or not permissions.has_perm(actor, "submit_cards", station):
            raise PermissionDenied("カードを作成して提出する権限がありません。")
        station_id = station.pk
        status = CardStatus.DRAFT if draft else CardStatus.SUBMITTED
    if parent is not None:
        if kind != CardKind.HOUSEHOLD or parent.kind != CardKind.APARTMENT:
            raise ValidationError("集合住宅の下には世帯のカードだけを作成できます。")
        if parent.book_id != (book.pk if book else None) or parent.status != CardStatus.FILED:
            raise ValidationError("集合住宅のカードと同じ巡回連絡簿に作成してください。")

    now = made_at or timezone.now()
    card = LiaisonCard(
        kind=kind,
        status=status,
        station_id=station_id,
        book=book,
        parent=parent,
        created_by=actor,
        created_at=now,
    )
    _apply(card, data)
    if parent is not None:
        for key in ("postal_code", "prefecture", "city", "town", "banchi", "building"):
            setattr(card, key, getattr(card, key) or getattr(parent, key))
    member_rows = [_normalise_member(m) for m in members or []]
    if not draft:
        _check_complete(card, member_rows)
        if book is None:
            _check_in_station(actor, card, station)  # type: ignore[arg-type]
    if status == CardStatus.FILED:
        card.filed_at = now
    if status == CardStatus.SUBMITTED:
        card.submitted_at = now
    reason = {
        CardStatus.FILED: "作成・編てつ",
        CardStatus.SUBMITTED: "作成・提出",
        CardStatus.DRAFT: "下書き保存",
    }[status]
    _refresh_derived(card, member_rows)
    _save(card, actor=actor, reason=reason, bump=False)
    _save_members(card, members or [], actor=actor, reason=reason, version=1)
    _save_vehicles(card, vehicles or [], actor=actor, reason=reason, version=1)
    _log(actor, AccessEvent.Action.CREATE, card, f"カード作成（{card.get_status_display()}）")
    return card


@transaction.atomic
def card_update(
    *,
    actor: User,
    card: LiaisonCard,
    version: int,
    data: dict[str, Any],
    members: list[dict[str, Any]] | None = None,
    vehicles: list[dict[str, Any]] | None = None,
    reason: str = "",
) -> LiaisonCard:
    """Save the form of a draft (no reason needed) or correct a filed card (補正, 要領
    第6-2(2)) with its reason. A stale version is refused and nothing is written."""
    status = LiaisonCard.objects.values_list("status", flat=True).get(pk=card.pk)
    action = "correct" if status == CardStatus.FILED else "edit"
    fresh, _ = _transition(card, action, actor=actor)
    _check_version(fresh, version)
    if action == "correct" and not reason.strip():
        raise ValidationError(
            {"reason": "補正の理由を入力してください（例：転入による世帯員の追加）。"}
        )
    _apply(fresh, data)
    why = reason.strip() or "下書きの編集"
    next_version = fresh.version + 1
    member_rows = _save_members(fresh, members, actor=actor, reason=why, version=next_version)
    _save_vehicles(fresh, vehicles, actor=actor, reason=why, version=next_version)
    if action == "correct":
        _check_complete(fresh, member_rows)
    _refresh_derived(fresh, member_rows)
    _save(fresh, actor=actor, reason=why)
    _log(actor, AccessEvent.Action.UPDATE, fresh, ACTION_LABELS[action])
    return fresh


def card_record_access(
    *, actor: User, card: LiaisonCard, action: str, summary: str = "", break_glass: bool = False
) -> None:
    _log(actor, action, card, summary, break_glass=break_glass)
