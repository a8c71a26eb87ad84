"""A card's contents as the services write them: which items each kind of card holds,
normalising input, the derived search fields, and saving members and vehicles."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts import permissions
from accounts.models import Station, User
from accounts.utils.history import history_save
from accounts.utils.names import search_key
from liaison import text
from liaison.cards.models import (
    APARTMENT_ITEMS,
    BUSINESS_ITEMS,
    CARD_OPTIONAL_FIELDS,
    HOUSEHOLD_ITEMS,
    MEMBER_OPTIONAL_FIELDS,
    CardKind,
    CardMember,
    CardVehicle,
    LiaisonCard,
    Relationship,
)

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
            history_save(member, actor=actor, reason=reason, clean=False)
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
            history_save(vehicle, actor=actor, reason=reason, clean=False)
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
    from liaison.areas.selectors import beat_for_address, station_has_areas

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


def _members_of(card: LiaisonCard) -> list[dict[str, Any]]:
    return [{k: getattr(m, k) for k in MEMBER_FIELDS} for m in card.members.all()]
