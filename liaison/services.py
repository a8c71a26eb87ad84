"""Writes on cards and books (要領 第6-2): create, submit, assign, file, correct, close, move,
and break-the-glass. Keyword-only, the acting user first, one transaction each.

The card's life cycle is the table TRANSITIONS; `_transition` re-reads the row with
select_for_update, refuses a move not in the table and checks the editor's version.
Permissions come from accounts.permissions.card_actions (transitions ∩ permissions).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from accounts import dates, permissions
from accounts.exceptions import PermissionDenied, StaleEditError, TransitionError
from accounts.models import AccessEvent, Beat, Station, User
from accounts.names import search_key
from accounts.services import access_event_record, notice_send
from liaison.cards.models import (
    APARTMENT_ITEMS,
    BUSINESS_ITEMS,
    CARD_OPTIONAL_FIELDS,
    HOUSEHOLD_ITEMS,
    MEMBER_OPTIONAL_FIELDS,
    CardKind,
    CardMember,
    CardStatus,
    CardVehicle,
    LiaisonBook,
    LiaisonCard,
    Relationship,
)
from liaison.glass.models import BreakGlassAccess
from liaison.instructions.models import StationInstruction
from liaison.night.models import NightVisitRequest
from liaison.planning.models import DedicatedDay, MonthlyPlan, VisitPolicy
from liaison.takeover.models import Takeover
from liaison.visits.models import VISIT_TOPICS, VISITED_OUTCOMES, TopicWay, Visit, VisitOutcome

from . import text

# action -> {from status: to status}. Anything else is refused with both states named.
TRANSITIONS: dict[str, dict[str, str]] = {
    "edit": {CardStatus.DRAFT: CardStatus.DRAFT},
    "submit": {CardStatus.DRAFT: CardStatus.SUBMITTED},
    "assign": {CardStatus.SUBMITTED: CardStatus.SUBMITTED},
    "file": {CardStatus.DRAFT: CardStatus.FILED, CardStatus.SUBMITTED: CardStatus.FILED},
    "correct": {CardStatus.FILED: CardStatus.FILED},
    "close": {CardStatus.FILED: CardStatus.CLOSED},
    "move": {CardStatus.FILED: CardStatus.FILED, CardStatus.CLOSED: CardStatus.CLOSED},
}

ACTION_LABELS = {
    "edit": "下書きの編集",
    "submit": "提出",
    "assign": "受持区の指定",
    "file": "編てつ",
    "correct": "補正",
    "close": "廃止",
    "move": "受持区の変更",
}

CARE_FIELDS = ("care_elderly_only", "care_elderly_alone", "care_needs_support", "care_foreign")
MEMBER_FIELDS = (
    "name",
    "kana",
    "relationship",
    "birth_date",
    "occupation",
    "workplace",
    "phone",
    "declined",
)
VEHICLE_FIELDS = ("kind", "maker_model", "color", "plate")
# What a card's form may set; derived and life-cycle fields are the services' own.
CARD_INPUT_FIELDS = (
    "postal_code",
    "prefecture",
    "city",
    "town",
    "banchi",
    "building",
    "room",
    "phone",
    "residence_type",
    "moved_in_on",
    "emergency_name",
    "emergency_relation",
    "emergency_phone",
    "business_name",
    "business_name_kana",
    "business_representative",
    "business_trade",
    "business_staff",
    "business_hours",
    "business_holidays",
    *CARE_FIELDS,
    "care_language",
    "concerns",
    "made_by",
    "sensitive",
    "declined",
)


def items_for(kind: str) -> tuple[str, ...]:
    """The optional items a card of this kind asks for."""
    return {
        CardKind.HOUSEHOLD: HOUSEHOLD_ITEMS,
        CardKind.BUSINESS: BUSINESS_ITEMS,
        CardKind.APARTMENT: APARTMENT_ITEMS,
    }[kind]


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


# --- Locks, checks and derived columns -------------------------------------------------


def _locked(card: LiaisonCard) -> LiaisonCard:
    return LiaisonCard.objects.select_for_update().get(pk=card.pk)


def _transition(card: LiaisonCard, action: str, *, actor: User) -> tuple[LiaisonCard, str]:
    """Lock the row, check the move and the actor's right to it; return the fresh row and
    the status it moves to."""
    fresh = _locked(card)
    moves = TRANSITIONS[action]
    if fresh.status not in moves:
        raise TransitionError(
            f"{fresh.get_status_display()}のカードに「{ACTION_LABELS[action]}」はできません。"
        )
    if action not in permissions.card_actions(actor, fresh):
        raise PermissionDenied("このカードに対してこの操作を行う権限がありません。")
    return fresh, moves[fresh.status]


def _check_version(card: LiaisonCard, version: int | None) -> None:
    if version is not None and card.version != version:
        from .selectors import card_changes_since

        changes = card_changes_since(card=card, version=version)
        names = "、".join(dict.fromkeys(c.label for c in changes)) or "内容"
        error = StaleEditError(
            f"このカードは開いた後に他の職員が保存しました（変更された項目：{names}）。"
            "入力内容は残してあります。最新の内容を確認してから、もう一度保存してください。"
        )
        error.changes = changes  # type: ignore[attr-defined]
        raise error


def _check_complete(card: LiaisonCard, members: list[dict[str, Any]]) -> None:
    """What a filed or submitted card must hold; a draft may lack any of it."""
    errors: dict[str, str] = {}
    if not card.town:
        errors["town"] = "町字を入力してください（郵便番号から自動入力できます）。"
    if not card.banchi:
        errors["banchi"] = "番地を入力してください。"
    if card.kind == CardKind.HOUSEHOLD and not members:
        errors["__all__"] = "世帯員を1人以上入力してください（世帯主など）。"
    if card.kind == CardKind.BUSINESS and not card.business_name:
        errors["business_name"] = "事業所名を入力してください。"
    if card.kind == CardKind.APARTMENT and not card.building:
        errors["building"] = "建物名を入力してください。"
    if errors:
        raise ValidationError(errors)


def _refresh_derived(card: LiaisonCard, members: list[dict[str, Any]]) -> None:
    """The columns the book lists and searches by, from the card and its members."""
    if card.kind == CardKind.HOUSEHOLD:
        head = next((m for m in members if m.get("relationship") == Relationship.HEAD), None)
        head = head or (members[0] if members else None)
        card.head_name = head["name"] if head else ""
        card.head_kana = text.kana(head.get("kana", "")) if head else ""
    elif card.kind == CardKind.BUSINESS:
        card.head_name = card.business_name
        card.head_kana = text.kana(card.business_name_kana)
    else:
        card.head_name = card.building
        card.head_kana = ""
    card.member_count = len(members) if card.kind == CardKind.HOUSEHOLD else 0
    card.care_count = sum(1 for name in CARE_FIELDS if getattr(card, name))
    card.address_key = "\x1f".join(
        text.natural_key(part) for part in (card.town, card.banchi, card.building, card.room)
    )
    names = [card.business_name, card.business_name_kana, card.building]
    phones = [card.phone, card.emergency_phone]
    for member in members:
        names += [member.get("name", ""), member.get("kana", "")]
        phones.append(member.get("phone", ""))
    card.search_names = search_key(names)
    card.search_phones = "|".join(text.digits(p) for p in phones if p)

    missing: list[str] = []
    declined: list[str] = [
        CARD_OPTIONAL_FIELDS[n] for n in card.declined if n in CARD_OPTIONAL_FIELDS
    ]
    for name in items_for(card.kind):
        value = getattr(card, name)
        if value in ("", None) and name not in card.declined:
            missing.append(CARD_OPTIONAL_FIELDS[name])
    for member in members:
        for name, label in MEMBER_OPTIONAL_FIELDS.items():
            item = f"世帯員の{label}"
            if name in member.get("declined", []):
                if item not in declined:
                    declined.append(item)
            elif member.get(name) in ("", None) and item not in missing:
                missing.append(item)
    card.missing = missing
    card.declined_summary = declined


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "postal_code" in out:
        out["postal_code"] = text.postal(out["postal_code"] or "")
    for key in ("phone", "emergency_phone"):
        if out.get(key):
            out[key] = text.phone(out[key])
    for key in ("business_name_kana",):
        if key in out:
            out[key] = text.kana(out[key] or "")
    for key in ("emergency_name", "business_name", "business_representative"):
        if out.get(key):
            out[key] = text.name(out[key])
    if "declined" in out:
        out["declined"] = sorted(set(out["declined"] or []) & set(CARD_OPTIONAL_FIELDS))
    return out


def _normalise_member(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: data.get(k) for k in MEMBER_FIELDS if k in data}
    out["name"] = text.name(out.get("name") or "")
    out["kana"] = text.kana(out.get("kana") or "")
    out["declined"] = sorted(set(out.get("declined") or []) & set(MEMBER_OPTIONAL_FIELDS))
    for key in ("relationship", "occupation", "workplace"):
        out[key] = out.get(key) or ""
    out["phone"] = text.phone(out.get("phone") or "")
    return out


def _apply(card: LiaisonCard, data: dict[str, Any]) -> list[str]:
    changed = []
    for key, value in _normalise(data).items():
        if key not in CARD_INPUT_FIELDS:
            raise ValueError(f"not a card input: {key}")
        if getattr(card, key) != value:
            setattr(card, key, value)
            changed.append(key)
    return changed


def _save(card: LiaisonCard, *, actor: User | None, reason: str, bump: bool = True) -> None:
    if bump and card.pk:
        card.version += 1
    card.full_clean()
    card._history_user = actor
    card._change_reason = reason
    card.save()


def _save_members(
    card: LiaisonCard,
    members: list[dict[str, Any]] | None,
    *,
    actor: User | None,
    reason: str,
    version: int,
) -> list[dict[str, Any]]:
    """Make the card's members exactly `members` (dicts with an optional "id"); history
    records each add, change and removal with the same reason."""
    current = {m.pk: m for m in card.members.all()} if card.pk else {}
    if members is None:
        return [{k: getattr(m, k) for k in MEMBER_FIELDS} for m in current.values()]
    kept: set[int] = set()
    result = []
    for position, raw in enumerate(members):
        data = _normalise_member(raw)
        member_id = raw.get("id")
        if member_id:
            member = current.get(int(member_id))
            if member is None:
                raise ValidationError("世帯員の情報が古くなっています。画面を開き直してください。")
            kept.add(member.pk)
        else:
            member = CardMember(card=card)
        dirty = member.pk is None or member.position != position
        for key, value in data.items():
            if getattr(member, key) != value:
                setattr(member, key, value)
                dirty = True
        member.position = position
        if dirty:
            member.card_version = version
            member.full_clean(exclude=["card"])
            member._history_user = actor
            member._change_reason = reason
            member.save()
        result.append(data)
    for pk, member in current.items():
        if pk not in kept:
            member.card_version = version
            member._history_user = actor
            member._change_reason = reason
            member.delete()
    return result


def _save_vehicles(
    card: LiaisonCard,
    vehicles: list[dict[str, Any]] | None,
    *,
    actor: User | None,
    reason: str,
    version: int,
) -> None:
    if vehicles is None:
        return
    current = {v.pk: v for v in card.vehicles.all()}
    kept: set[int] = set()
    for raw in vehicles:
        vehicle_id = raw.get("id")
        vehicle = current.get(int(vehicle_id)) if vehicle_id else CardVehicle(card=card)
        if vehicle is None:
            raise ValidationError("車両の情報が古くなっています。画面を開き直してください。")
        if vehicle.pk:
            kept.add(vehicle.pk)
        dirty = vehicle.pk is None
        for key in VEHICLE_FIELDS:
            value = text.nfkc(raw.get(key) or "").strip()
            if getattr(vehicle, key) != value:
                setattr(vehicle, key, value)
                dirty = True
        if dirty:
            vehicle.card_version = version
            vehicle.full_clean(exclude=["card"])
            vehicle._history_user = actor
            vehicle._change_reason = reason
            vehicle.save()
    for pk, vehicle in current.items():
        if pk not in kept:
            vehicle.card_version = version
            vehicle._history_user = actor
            vehicle._change_reason = reason
            vehicle.delete()


def _check_in_station(actor: User, card: LiaisonCard, station: Station) -> None:
    """要領 第6-2(1)イ: other staff make cards only for residents whose address is in the
    station's 管内, the beats' areas together. The address proposes its beat to the
    地域課長等 either way. Staff of a 地域課 know the beats and are not held to it; a station
    that has not yet set any area cannot tell, and lets the card through."""
    from .areas.selectors import beat_for_address, station_has_areas

    match = beat_for_address(station_id=station.pk, town=card.town, banchi=card.banchi)
    card.proposed_book_id = match.beat.pk if match else None
    if match is not None or permissions.in_community_department(actor, station):
        return
    if station_has_areas(station_id=station.pk):
        raise ValidationError(
            {
                "town": f"「{card.town}{card.banchi}」は{station.name}の管内（受持区の区域）に"
                "ありません。警察職員が作成できるのは、住所が管内にある住民のカードだけです"
                "（要領第6-2(1)イ）。町字・番地を確かめてください。管外の住民なら、住所地の"
                "警察署に連絡してください。"
            }
        )


def _log(actor: User | None, action: str, card: LiaisonCard, summary: str, **extra) -> None:
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


# --- Books -------------------------------------------------------------------------------


def book_ensure(*, beat: Beat) -> LiaisonBook:
    """Every beat has its book (要領 第6-2(3)ア); made with the beat, or here if missing."""
    book, _ = LiaisonBook.objects.get_or_create(beat=beat)
    return book


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


def _members_of(card: LiaisonCard) -> list[dict[str, Any]]:
    return [{k: getattr(m, k) for k in MEMBER_FIELDS} for m in card.members.all()]


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
    for item in to_move:
        item.book = book
        item.station_id = station_id
        _save(item, actor=actor, reason=why)
        _log(actor, AccessEvent.Action.UPDATE, item, "受持区の変更")
        # A card's visits and follow-ups go with it: the old beat's officer must not keep
        # seeing them (takeover, follow-ups), and the new beat's must. Saved one by one, so
        # that each move is in the visit's history.
        for visit in Visit.objects.select_for_update().filter(card=item).exclude(book=book):
            visit.book = book
            visit.station_id = station_id
            visit._history_user = actor
            visit._change_reason = why
            visit.save(update_fields=["book", "station"])
    return fresh


# --- Break the glass ------------------------------------------------------------------------


@transaction.atomic
def break_glass_open(
    *, actor: User, card: LiaisonCard, purpose: str, reason: str
) -> BreakGlassAccess:
    """緊急閲覧: an officer of the card's station opens a card outside his scope for a stated
    purpose. Time-limited, logged with the flag, and the beat's 取扱責任者 is told."""
    from liaison.glass.models import BreakGlassPurpose

    if not permissions.has_perm(actor, "break_glass", Station(pk=card.station_id)):
        raise PermissionDenied("このカードを緊急閲覧する権限がありません。")
    if card.status not in (CardStatus.FILED, CardStatus.CLOSED):
        raise TransitionError("編てつされていないカードは緊急閲覧できません。")
    if purpose not in BreakGlassPurpose.values:
        raise ValidationError({"purpose": "緊急閲覧の目的を選んでください。"})
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": "理由を具体的に入力してください（10文字以上。例：○○事案の照会のため）。"}
        )
    now = timezone.now()
    access = BreakGlassAccess(
        user=actor,
        card=card,
        purpose=purpose,
        reason=reason.strip(),
        granted_at=now,
        expires_at=now + dt.timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    access.full_clean()
    access.save()
    _log(
        actor,
        AccessEvent.Action.VIEW,
        card,
        f"緊急閲覧の開始（{access.get_purpose_display()}）",
        break_glass=True,
    )
    supervisors = permissions.users_with_post_perm_for_beat(card.book_id, "supervise_post")
    notice_send(
        recipients=[u for u in supervisors if u.pk != actor.pk],
        title="担当の巡回連絡簿のカードが緊急閲覧されました",
        url=reverse("liaison:card_detail", kwargs={"pk": card.pk}),
    )
    return access


def cards_record_export(
    *,
    actor: User,
    station: Station | None,
    count: int,
    summary: str,
    object_type: str = "liaison.liaisonbook",
    object_id: str | int = "",
) -> None:
    """Each export is one access event naming what was exported (a book or a station) and
    how many cards it carried."""
    access_event_record(
        user=actor,
        action=AccessEvent.Action.EXPORT,
        object_type=object_type,
        object_id=object_id,
        station=station,
        summary=f"{summary}（{count}件）",
        record_count=count,
    )


def card_record_access(
    *, actor: User, card: LiaisonCard, action: str, summary: str = "", break_glass: bool = False
) -> None:
    _log(actor, action, card, summary, break_glass=break_glass)


# --- 巡回連絡 (要領 第5): visits and the hours rule -------------------------------------------

DAY_START = dt.time(8, 30)  # 要領 第5-3: おおむね午前8時30分から
DAY_END = dt.time(17, 0)  # 午後5時まで
NIGHT_END = dt.time(20, 0)  # 夜間は承認を受け、おおむね午後8時まで
# A clock on a tablet may run a little ahead of the server's.
FUTURE_SKEW = dt.timedelta(minutes=5)


def _hm(value: dt.time) -> str:
    return f"{value.hour}時{value.minute:02d}分" if value.minute else f"{value.hour}時"


def _clock(value: dt.time) -> str:
    """午前8時15分, 午後5時15分: as the directive writes its hours."""
    if value.hour < 12:
        return f"午前{_hm(value)}"
    return f"午後{_hm(dt.time(value.hour - 12, value.minute))}"


def _shift(value: dt.time, minutes: int) -> dt.time:
    moved = dt.datetime.combine(dt.date(2000, 1, 1), value) + dt.timedelta(minutes=minutes)
    return moved.time()


@dataclass(frozen=True)
class HoursWindow:
    """The hours of 要領 第5-3 with the tolerance of 「おおむね」 at every edge
    (settings.VISIT_HOURS_TOLERANCE_MINUTES): a daytime visit starts at or after
    `day_start` and ends by `day_end`; an approved night visit ends by `night_end`."""

    day_start: dt.time
    day_end: dt.time
    night_end: dt.time
    tolerance: int

    @classmethod
    def current(cls) -> HoursWindow:
        minutes = int(settings.VISIT_HOURS_TOLERANCE_MINUTES)
        return cls(
            day_start=_shift(DAY_START, -minutes),
            day_end=_shift(DAY_END, minutes),
            night_end=_shift(NIGHT_END, minutes),
            tolerance=minutes,
        )


@dataclass(frozen=True)
class HoursCheck:
    """What the hours rule says of one visit: the night approval it rests on, and, for a
    visit outside the rule, which rule (the text kept with the visit)."""

    approval: NightVisitRequest | None = None
    outside: str = ""


def _approval_for(officer: User, card: LiaisonCard, day: dt.date) -> NightVisitRequest | None:
    approvals = NightVisitRequest.objects.filter(
        officer=officer, date=day, status=NightVisitRequest.Status.APPROVED
    ).prefetch_related("beats")
    for approval in approvals:
        beats = {b.pk for b in approval.beats.all()}
        if not beats or card.book_id in beats:
            return approval
    return None


def visit_hours_check(
    *, officer: User, card: LiaisonCard, started_at: dt.datetime, ended_at: dt.datetime
) -> HoursCheck:
    """The hours rule (要領 第5-3), in Tokyo time, おおむね: each edge moves by the tolerance.

    Within the rule: a daytime visit (starts at 08:15 or later and ends by 17:15 with the
    default 15 minutes), or a later one resting on an approved request of this officer for
    this date (and for the card's beat when the request names beats) that ends by 20:15.
    Anything else is outside the rule: the returned HoursCheck says which rule, and the
    visit is recorded only with a reason. Times that cannot be true (an end before the
    start, across midnight, in the future) raise ValidationError.
    """
    start, end = timezone.localtime(started_at), timezone.localtime(ended_at)
    if end < start:
        raise ValidationError({"ended_at": "終了時刻は開始時刻より後にしてください。"})
    if start.date() != end.date():
        raise ValidationError({"ended_at": "日をまたぐ巡回連絡は記録できません。"})
    if end > timezone.localtime() + FUTURE_SKEW:
        raise ValidationError({"ended_at": "これから行う巡回連絡は記録できません。"})
    window = HoursWindow.current()
    early = start.time() < window.day_start
    if not early and end.time() <= window.day_end:
        return HoursCheck()
    if early:
        return HoursCheck(
            outside=f"{_clock(window.day_start)}より前に開始"
            f"（要領第5-3：おおむね{_clock(DAY_START)}から）"
        )
    approval = _approval_for(officer, card, start.date())
    if approval is None:
        return HoursCheck(
            outside=f"{_clock(window.day_end)}を過ぎたが夜間巡回連絡の承認がない"
            "（要領第5-3：夜間は地域課長等の承認を受ける）"
        )
    if end.time() > window.night_end:
        return HoursCheck(
            approval=approval,
            outside=f"{_clock(window.night_end)}を過ぎて終了"
            f"（要領第5-3：夜間はおおむね{_clock(NIGHT_END)}まで）",
        )
    return HoursCheck(approval=approval)


def _outside_hours_message(check: HoursCheck, day: dt.date) -> str:
    ask = ""
    if check.approval is None and "承認" in check.outside:
        ask = (
            f"{text.date_ja(day)}の夜間巡回連絡の承認（地域課長等）を申請して承認を受けてから"
            "記録するか、"
        )
    return (
        f"この巡回連絡は時間帯の外です（{check.outside}）。{ask}やむを得ず行った場合は、"
        "その理由を入力してください（時間外として記録され、地域課長等が確認します）。"
    )


def _visit_card_check(actor: User, card: LiaisonCard) -> None:
    if card.status != CardStatus.FILED or card.book_id is None:
        raise TransitionError(f"{card.get_status_display()}のカードには巡回連絡を記録できません。")
    if not permissions.has_perm(actor, "record_visits", Beat(pk=card.book_id)):
        raise PermissionDenied("この受持区の巡回連絡を記録する権限がありません。")


def _topic_values(topics: dict[str, str] | list[str] | tuple[str, ...]) -> dict[str, str]:
    """第5-4: per topic, 指導連絡, 情報提供 or 通報依頼 (blank: not covered). A list names
    topics given as 指導連絡 (the shape before issue 10)."""
    if not isinstance(topics, dict):
        topics = dict.fromkeys(topics, TopicWay.GUIDANCE)
    if set(topics) - set(VISIT_TOPICS) or set(topics.values()) - {"", *TopicWay.values}:
        raise ValidationError({"topics": "指導連絡等の項目と内容を一覧から選んでください。"})
    return {name: topics.get(name, "") for name in VISIT_TOPICS}


@transaction.atomic
def visit_record(
    *,
    actor: User,
    card: LiaisonCard,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    outcome: str,
    topics: dict[str, str] | list[str] | tuple[str, ...] = (),
    topic_note: str = "",
    concerns: str = "",
    follow_up_department: str = "",
    follow_up_note: str = "",
    outside_hours_reason: str = "",
) -> Visit:
    """Record one visit by the beat officer; the card's last visit follows. A visit outside
    the hours rule needs its reason and waits for the 地域課長等's acknowledgement."""
    _visit_card_check(actor, card)
    day = timezone.localtime(started_at).date()
    made = timezone.localdate(card.created_at)
    if day < made:
        raise ValidationError(
            {
                "date": f"このカードの作成日（{text.date_ja(made)}）より前の巡回連絡は"
                "記録できません。実施日を確かめてください。"
            }
        )
    check = visit_hours_check(officer=actor, card=card, started_at=started_at, ended_at=ended_at)
    reason = outside_hours_reason.strip()
    if check.outside and not reason:
        raise ValidationError({"outside_hours_reason": _outside_hours_message(check, day)})
    values = _topic_values(topics)
    if follow_up_note and not follow_up_department:
        raise ValidationError({"follow_up_department": "対応すべき部署を選んでください。"})
    visit = Visit(
        card=card,
        officer=actor,
        book_id=card.book_id,
        station_id=card.station_id,
        started_at=started_at,
        ended_at=ended_at,
        outcome=outcome,
        topic_note=topic_note.strip(),
        concerns=concerns.strip(),
        follow_up_department=follow_up_department,
        follow_up_note=follow_up_note.strip(),
        night_request=check.approval,
        on_dedicated_day=DedicatedDay.objects.filter(officer=actor, date=day).exists(),
        # A reason given for a visit within the rule is not kept: nothing to acknowledge.
        outside_hours=bool(check.outside),
        outside_hours_rule=check.outside,
        outside_hours_reason=reason if check.outside else "",
        **values,
    )
    visit.full_clean()
    visit._history_user = actor
    if check.outside:
        visit._change_reason = f"時間外：{check.outside}"
    visit.save()
    # Not a change of the card's content: no version bump, no card history entry.
    # GREATEST skips NULL on PostgreSQL but not on SQLite: Coalesce covers both.
    fields = ["last_attempt_on"] + (["last_visit_on"] if outcome in VISITED_OUTCOMES else [])
    when = Value(day, output_field=DateField())
    LiaisonCard.objects.filter(pk=card.pk).update(
        **{name: Coalesce(Greatest(name, when), when) for name in fields}
    )
    _log(actor, AccessEvent.Action.CREATE, card, f"巡回連絡の記録（{visit.get_outcome_display()}）")
    if check.outside:
        notice_send(
            # The 地域課長等 over this beat (of its 地域課 where a station has several).
            recipients=permissions.station_people_over(
                Station(pk=card.station_id), "approve_night_visits", beat_ids=[card.book_id]
            ),
            title=f"時間外の巡回連絡が記録されました（{actor.full_name}、{text.date_ja(day)}）",
            url=reverse("liaison:visit_hours_list"),
        )
    if outcome == VisitOutcome.CARD_HANDED:
        _handout_for_visit(actor, card, day)
    return visit


def _handout_for_visit(actor: User, card: LiaisonCard, day: dt.date) -> None:
    """A card handed on this visit waits on the worklist until collected (要領 第6-2(1)ア);
    one already waiting for this card keeps its date."""
    from liaison.handouts.models import CardHandout

    from .handouts.services import handout_record

    if not CardHandout.objects.filter(card=card, status=CardHandout.Status.OPEN).exists():
        handout_record(actor=actor, book=card.book, card=card, handed_on=day)


def visit_absent(*, actor: User, card: LiaisonCard, at: dt.datetime | None = None) -> Visit:
    """不在 with one tap: a visit that starts and ends now."""
    at = at or timezone.now()
    return visit_record(
        actor=actor, card=card, started_at=at, ended_at=at, outcome=VisitOutcome.ABSENT
    )


@transaction.atomic
def visit_follow_up_done(*, actor: User, visit: Visit, note: str = "") -> Visit:
    """The department acted on what was heard: the follow-up is closed, by whom and when."""
    fresh = Visit.objects.select_for_update().get(pk=visit.pk)
    if not fresh.follow_up_department:
        raise TransitionError("この巡回連絡には対応すべき事項がありません。")
    if fresh.follow_up_done_at is not None:
        raise TransitionError("この事項はすでに対応済みです。")
    beat = Beat(pk=fresh.book_id)
    if not (
        permissions.has_perm(actor, "record_visits", beat)
        or permissions.has_perm(actor, "change_beat_cards", beat)
    ):
        raise PermissionDenied("この受持区の対応状況を変更する権限がありません。")
    fresh.follow_up_done_at = timezone.now()
    fresh.follow_up_done_by = actor
    if note.strip():
        fresh.follow_up_note = (fresh.follow_up_note + "\n" + note.strip()).strip()
    fresh._history_user = actor
    fresh._change_reason = "対応済み"
    fresh.save()
    return fresh


@transaction.atomic
def visit_hours_acknowledge(*, actor: User, visit: Visit, note: str = "") -> Visit:
    """The 地域課長等 has read why a visit was outside the hours (要領 第5-3): who and when
    are kept on the visit, once."""
    fresh = Visit.objects.select_for_update().get(pk=visit.pk)
    if not fresh.outside_hours:
        raise TransitionError("この巡回連絡は時間帯の内で、確認は要りません。")
    if fresh.hours_acknowledged_at is not None:
        raise TransitionError("この時間外の巡回連絡はすでに確認済みです。")
    if not permissions.has_perm(actor, "approve_night_visits", Station(pk=fresh.station_id)):
        raise PermissionDenied("時間外の巡回連絡を確認する権限がありません。")
    if fresh.officer_id == actor.pk:
        raise PermissionDenied("自分の巡回連絡は確認できません。")
    fresh.hours_acknowledged_by = actor
    fresh.hours_acknowledged_at = timezone.now()
    fresh.hours_acknowledgement_note = note.strip()
    fresh.full_clean()
    fresh._history_user = actor
    fresh._change_reason = "時間外の確認"
    fresh.save()
    return fresh


# --- 夜間巡回連絡の承認 ---------------------------------------------------------------------------


def _night_station(actor: User, beats: list[Beat]) -> Station:
    mine = list(permissions.beats_for(actor, "record_visits").select_related("post__station"))
    if not mine:
        raise PermissionDenied("受持区を持つ受持警察官だけが夜間巡回連絡の承認を申請できます。")
    allowed = {b.pk for b in mine}
    if any(b.pk not in allowed for b in beats):
        raise ValidationError({"beats": "自分の受持区を選んでください。"})
    stations = {b.post.station for b in mine if not beats or b.pk in {x.pk for x in beats}}
    if len(stations) != 1:
        raise ValidationError({"beats": "1つの警察署の受持区を選んでください。"})
    return stations.pop()


@transaction.atomic
def night_request_create(
    *,
    actor: User,
    date: dt.date,
    planned_start: dt.time,
    planned_end: dt.time,
    reason: str,
    beats: list[Beat] | None = None,
) -> NightVisitRequest:
    """The officer asks his 地域課長等 to approve visits after 17:00 on `date`."""
    beats = list(beats or [])
    station = _night_station(actor, beats)
    errors: dict[str, str] = {}
    if date < timezone.localdate():
        errors["date"] = "過ぎた日の承認は申請できません。"
    if planned_end <= planned_start:
        errors["planned_end"] = "終了予定は開始予定より後にしてください。"
    elif planned_end > NIGHT_END:
        errors["planned_end"] = "夜間の巡回連絡は午後8時までに終える計画にしてください。"
    if planned_end <= DAY_END and "planned_end" not in errors:
        errors["planned_end"] = "午後5時までの巡回連絡に承認は要りません。"
    if not reason.strip():
        errors["reason"] = "夜間に行う理由を入力してください（例：日中不在の世帯）。"
    if errors:
        raise ValidationError(errors)
    if NightVisitRequest.objects.filter(
        officer=actor,
        date=date,
        status__in=[NightVisitRequest.Status.PENDING, NightVisitRequest.Status.APPROVED],
    ).exists():
        raise ValidationError({"date": "この日の申請はすでにあります（承認待ちまたは承認済み）。"})
    request = NightVisitRequest(
        officer=actor,
        station=station,
        date=date,
        planned_start=planned_start,
        planned_end=planned_end,
        reason=reason.strip(),
    )
    request.full_clean(exclude=["beats"])
    request._history_user = actor
    request.save()
    request.beats.set(beats)
    # The 地域課長等 over the officer's beats (each over his own 地域課's posts).
    mine = [
        b.pk for b in permissions.beats_for(actor, "record_visits").filter(post__station=station)
    ]
    notice_send(
        recipients=permissions.station_people_over(station, "approve_night_visits", mine),
        title="夜間巡回連絡の承認申請があります",
        url=reverse("liaison:night_request_detail", kwargs={"pk": request.pk}),
    )
    return request


def _night_locked(request: NightVisitRequest) -> NightVisitRequest:
    fresh = NightVisitRequest.objects.select_for_update().get(pk=request.pk)
    if fresh.status != NightVisitRequest.Status.PENDING:
        raise TransitionError(
            f"この申請はすでに「{fresh.get_status_display()}」です。決裁後は変更できません。"
        )
    return fresh


@transaction.atomic
def night_request_withdraw(*, actor: User, request: NightVisitRequest) -> NightVisitRequest:
    fresh = _night_locked(request)
    if fresh.officer_id != actor.pk:
        raise PermissionDenied("申請した本人だけが取り下げられます。")
    fresh.status = NightVisitRequest.Status.WITHDRAWN
    fresh.withdrawn_at = timezone.now()
    fresh._history_user = actor
    fresh._change_reason = "取下げ"
    fresh.save()
    return fresh


@transaction.atomic
def night_request_decide(
    *, actor: User, request: NightVisitRequest, approve: bool, comment: str = ""
) -> NightVisitRequest:
    """Approve or reject, once: a decision is final (a new request is the way to change it)."""
    from .selectors import night_request_in_remit

    fresh = _night_locked(request)
    if not permissions.has_perm(actor, "approve_night_visits", Station(pk=fresh.station_id)):
        raise PermissionDenied("夜間巡回連絡を承認する権限がありません。")
    if not night_request_in_remit(user=actor, request=fresh):
        raise PermissionDenied(
            "この受持警察官の夜間巡回連絡は、担当する地域課の地域課長等が決裁します。"
        )
    if fresh.officer_id == actor.pk:
        raise PermissionDenied("自分の申請は決裁できません。")
    if not approve and not comment.strip():
        raise ValidationError({"comment": "不承認の理由を入力してください。"})
    fresh.status = (
        NightVisitRequest.Status.APPROVED if approve else NightVisitRequest.Status.REJECTED
    )
    fresh.decided_by = actor
    fresh.decided_at = timezone.now()
    fresh.decision_comment = comment.strip()
    fresh._history_user = actor
    fresh._change_reason = fresh.get_status_display()
    fresh.save()
    notice_send(
        recipients=[fresh.officer],
        title=f"夜間巡回連絡の申請（{dates.date_ja(fresh.date, year=False)}）が"
        f"{fresh.get_status_display()}されました",
        url=reverse("liaison:night_request_detail", kwargs={"pk": fresh.pk}),
    )
    return fresh


# --- 実施頻度・専従日・計画・引継ぎ ---------------------------------------------------------------


@transaction.atomic
def visit_policy_set(*, actor: User, headquarters, reason: str, **values: Any) -> VisitPolicy:
    """The 地域部長 sets the cycles (要領 第5-2); the previous values stay in the policy's
    history."""
    if not permissions.has_perm(actor, "set_visit_policy", headquarters):
        raise PermissionDenied("巡回連絡の実施頻度を設定できるのは地域部長です（要領第5-2）。")
    if not reason.strip():
        raise ValidationError({"reason": "変更の理由を入力してください。"})
    policy = VisitPolicy.objects.select_for_update().filter(headquarters=headquarters).first()
    policy = policy or VisitPolicy(headquarters=headquarters)
    for name, value in values.items():
        setattr(policy, name, value)
    if not policy.kinds:
        raise ValidationError(
            {"count_households": "対象とするカードの種類を1つ以上選んでください。"}
        )
    for field in VisitPolicy.CARE_CYCLES.values():
        days = getattr(policy, field)
        if days and days > policy.default_cycle_days:
            raise ValidationError({field: "要配意の周期は通常の周期以下にしてください。"})
    policy.reason = reason.strip()
    policy.changed_by = actor
    policy.changed_at = timezone.now()
    policy.full_clean()
    policy._history_user = actor
    policy._change_reason = policy.reason
    policy.save()
    return policy


# --- 署長指示 (要領 第5-1) --------------------------------------------------------------------

INSTRUCTION_AREA_MAX = 60
INSTRUCTION_AREAS_MAX = 30
INSTRUCTION_CARDS_MAX = 500


def _instruction_areas(areas: list[str]) -> list[str]:
    """Each area once, as written (spaces trimmed), in the order given."""
    found: list[str] = []
    for area in areas:
        area = text.nfkc(area).strip()
        if area and area not in found:
            found.append(area)
    if any(len(area) > INSTRUCTION_AREA_MAX for area in found):
        raise ValidationError(
            {"areas": f"地域は1つ{INSTRUCTION_AREA_MAX}文字以内で入力してください。"}
        )
    if len(found) > INSTRUCTION_AREAS_MAX:
        raise ValidationError({"areas": f"地域は{INSTRUCTION_AREAS_MAX}件までです。"})
    return found


@transaction.atomic
def station_instruction_issue(
    *,
    actor: User,
    station: Station,
    action: str,
    reason: str,
    starts_on: dt.date,
    ends_on: dt.date,
    card_ids: list[int] | tuple[int, ...] = (),
    areas: list[str] | tuple[str, ...] = (),
) -> StationInstruction:
    """The 署長 excludes cards or areas from the visits of his station, or adds some, for a
    period (要領 第5-1 「警察署長が特に指示した場合を除き」). The worklists and the progress
    figures follow it from its first day; the station's 地域課長等 are told."""
    if not permissions.has_perm(actor, "instruct_visits", station):
        raise PermissionDenied("巡回連絡の対象を指示できるのは警察署長です。")
    errors: dict[str, str] = {}
    if action not in StationInstruction.Action.values:
        errors["action"] = "「対象から除く」か「対象に加える」を選んでください。"
    if not reason.strip():
        errors["reason"] = (
            "指示の理由を入力してください（例：災害により立入りが制限されているため）。"
        )
    if ends_on < starts_on:
        errors["ends_on"] = "終了日は開始日以降にしてください。"
    elif ends_on < timezone.localdate():
        errors["ends_on"] = "終了日が過ぎた指示は出せません。"
    area_list = _instruction_areas(list(areas))
    ids = sorted(set(card_ids))
    if len(ids) > INSTRUCTION_CARDS_MAX:
        errors["cards"] = f"カードは{INSTRUCTION_CARDS_MAX}件までです。"
    cards = list(LiaisonCard.objects.filter(pk__in=ids, station=station, status=CardStatus.FILED))
    unknown = sorted(set(ids) - {card.pk for card in cards})
    if unknown and "cards" not in errors:
        shown = "、".join(str(pk) for pk in unknown[:10])
        errors["cards"] = f"この警察署の編てつ済みのカードではない番号があります（No.{shown}）。"
    if not ids and not area_list:
        errors["cards"] = "対象のカードの番号か地域を1つ以上入力してください。"
    if errors:
        raise ValidationError(errors)
    instruction = StationInstruction(
        station=station,
        action=action,
        areas=area_list,
        reason=reason.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        issued_by=actor,
    )
    instruction.full_clean()
    instruction._history_user = actor
    instruction._change_reason = "署長指示"
    instruction.save()
    instruction.cards.set(cards)
    notice_send(
        recipients=permissions.users_with_station_perm(station, "approve_night_visits"),
        title=f"巡回連絡の対象についての署長指示（{instruction.get_action_display()}）が出されました",
        url=reverse("liaison:station_instructions", kwargs={"pk": station.pk}),
    )
    return instruction


@transaction.atomic
def station_instruction_end(*, actor: User, instruction: StationInstruction) -> StationInstruction:
    """Ended before its end date: from now on the worklists and figures no longer follow it."""
    fresh = StationInstruction.objects.select_for_update().get(pk=instruction.pk)
    if not permissions.has_perm(actor, "instruct_visits", Station(pk=fresh.station_id)):
        raise PermissionDenied("署長指示を終了できるのは警察署長です。")
    if fresh.ended_at is not None:
        raise TransitionError("この指示はすでに終了しています。")
    if fresh.ends_on < timezone.localdate():
        raise TransitionError("この指示は期間が終わっています。")
    fresh.ended_at = timezone.now()
    fresh.ended_by = actor
    fresh._history_user = actor
    fresh._change_reason = "署長指示の終了"
    fresh.save()
    return fresh


def _station_officer_check(actor: User, station: Station, officer: User, perm: str) -> None:
    if not permissions.has_perm(actor, perm, station):
        raise PermissionDenied("この警察署でこの操作を行う権限がありません。")
    beats = permissions.beats_for(officer, "record_visits").filter(post__station=station)
    if not beats.exists():
        raise ValidationError({"officer": "この警察署の受持警察官を選んでください。"})
    _remit_check(actor, station, beats)


def _remit_check(actor: User, station: Station, officer_beats) -> None:
    """要領 第3-2(4): a 地域課長等 acts for his own 地域課's officers (an officer who holds
    no beat of the station now is nobody's in particular)."""
    if (
        officer_beats.exists()
        and not officer_beats.filter(
            pk__in=permissions.remit_beats(actor, station).values("pk")
        ).exists()
    ):
        raise PermissionDenied(
            "この受持警察官はあなたの担当する交番・駐在所の警察官ではありません。"
        )


@transaction.atomic
def dedicated_day_set(
    *, actor: User, station: Station, officer: User, date: dt.date
) -> DedicatedDay:
    _station_officer_check(actor, station, officer, "set_dedicated_days")
    day, created = DedicatedDay.objects.get_or_create(
        officer=officer, date=date, defaults={"station": station, "set_by": actor}
    )
    if not created:
        raise ValidationError({"date": "この日はすでに専従日です。"})
    Visit.objects.filter(officer=officer, started_at__date=date).update(on_dedicated_day=True)
    return day


@transaction.atomic
def dedicated_day_remove(*, actor: User, day: DedicatedDay) -> None:
    if not permissions.has_perm(actor, "set_dedicated_days", Station(pk=day.station_id)):
        raise PermissionDenied("専従日を設定する権限がありません。")
    _remit_check(
        actor,
        Station(pk=day.station_id),
        permissions.beats_for(day.officer, "record_visits").filter(post__station=day.station_id),
    )
    Visit.objects.filter(officer_id=day.officer_id, started_at__date=day.date).update(
        on_dedicated_day=False
    )
    day.delete()


@transaction.atomic
def monthly_plan_set(
    *,
    actor: User,
    station: Station,
    officer: User,
    month: dt.date,
    planned_households: int,
    areas: str = "",
    note: str = "",
) -> MonthlyPlan:
    """The officer's plan for the month: by himself, or by the 地域課長等 of the station."""
    if actor.pk == officer.pk:
        beats = permissions.beats_for(actor, "record_visits").filter(post__station=station)
        if not beats.exists():
            raise PermissionDenied("この警察署の受持区がありません。")
    else:
        _station_officer_check(actor, station, officer, "review_progress")
    month = month.replace(day=1)
    plan = MonthlyPlan.objects.select_for_update().filter(officer=officer, month=month).first()
    plan = plan or MonthlyPlan(officer=officer, month=month, station=station)
    plan.planned_households = planned_households
    plan.areas = areas.strip()
    plan.note = note.strip()
    plan.set_by = actor
    plan.updated_at = timezone.now()
    plan.full_clean()
    plan._history_user = actor
    plan.save()
    return plan


@transaction.atomic
def takeover_confirm(*, actor: User, assignment, note: str = "") -> Takeover:
    """The new officer has read what his predecessor did (要領 第5-5); the figures he saw
    are kept with his confirmation and his supervisor is told."""
    from .selectors import takeover_summary

    if assignment.officer_id != actor.pk or assignment.revoked_at is not None:
        raise PermissionDenied("自分の受持区の引継ぎだけを確認できます。")
    if Takeover.objects.filter(assignment=assignment).exists():
        raise TransitionError("この受持区の引継ぎはすでに確認済みです。")
    summary = takeover_summary(assignment=assignment)
    takeover = Takeover.objects.create(
        assignment=assignment,
        predecessor=summary.predecessor,
        coverage_percent=summary.progress.coverage,
        overdue_count=summary.progress.overdue,
        open_follow_ups=summary.progress.follow_ups_open,
        note=note.strip(),
    )
    beat = assignment.beat
    notice_send(
        recipients=permissions.users_with_post_perm_for_beat(beat.pk, "supervise_post"),
        title=f"{beat}の引継ぎを受持警察官が確認しました",
        url=reverse("liaison:takeover", kwargs={"pk": assignment.pk}),
    )
    return takeover
