"""The derived columns of a member (search key, phone digits, address key) and the
likely duplicates they find (issue 12 point 2): the same person is not registered twice."""

from __future__ import annotations

import re

from django.db.models import Q

from accounts.models import Station
from accounts.utils import text
from accounts.utils.names import fold_name, search_key
from network.members.models import LiaisonMember

# 丁目・番地・番・号 written out or as hyphens are one address.
_ADDRESS_PARTS = re.compile(r"(丁目|番地|番|号)")
_DASHES = re.compile(r"[-‐‑‒–—―−ー－]+")


# --- Derived columns -----------------------------------------------------------------------
def phone_digits(phone: str) -> str:
    """The digits of a phone number (full-width ones too): 029-123-4567 → 0291234567."""
    return text.digits(phone)[:15]


def address_key(address: str) -> str:
    """An address as duplicates compare it: folded like a name (width, variant kanji, no
    spaces), 丁目・番地・番・号 and every kind of dash as one hyphen."""
    folded = fold_name(address)
    if not folded:
        return ""
    folded = _DASHES.sub("-", _ADDRESS_PARTS.sub("-", folded))
    return folded.strip("-")[:200]


def refresh_keys(member: LiaisonMember) -> None:
    member.search_key = search_key([member.name, member.name_kana])[:200]
    member.phone_digits = phone_digits(member.phone)
    member.address_key = address_key(member.address)


def duplicates_of(
    *,
    station: Station,
    name: str,
    name_kana: str = "",
    phone: str = "",
    address: str = "",
    exclude_pk: int | None = None,
) -> list[LiaisonMember]:
    """Members of the station who are likely the same person: the same name once folded
    (髙橋 = 高橋, 𠮷田 = 吉田), the same phone digits or the same address. Callers scope the
    station (selectors.member_likely_duplicates)."""
    folded = fold_name(name)
    digits = phone_digits(phone)
    key = address_key(address)
    match = Q(pk__in=[])
    if folded:
        match |= Q(search_key=folded) | Q(search_key__startswith=folded + "|")
    kana = fold_name(name_kana)
    if kana:
        match |= Q(search_key__endswith="|" + kana)
    if len(digits) >= 6:
        match |= Q(phone_digits=digits)
    if key:
        match |= Q(address_key=key)
    rows = LiaisonMember.objects.filter(station=station, personal_data_removed_at__isnull=True)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return list(rows.filter(match).order_by("name_kana", "pk")[:20])
