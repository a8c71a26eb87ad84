"""What other apps tell the audit about their objects, without accounts importing them.

An app registers from its AppConfig.ready(): an `AuditedKind` for each object type that
appears in access events (so that an auditor can search a card by the household's name
without seeing the card), and a `HistorySource` for each model whose changes the audit
lists. Every callable here returns ids and labels, never personal values, except
`HistorySource.values_visible`, which decides who may see values at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model


@dataclass(frozen=True)
class AuditedKind:
    object_type: str  # as in AccessEvent.object_type, e.g. "liaison.liaisoncard"
    label: str  # 巡回連絡カード
    # A household's or business's name (kana or kanji) → ids of the matching objects.
    resolve_name: Callable[[str], list[str]] | None = None
    # ids → a label without personal data: 「カード No.123（中央警察署 駅前交番 第1受持区）」.
    describe: Callable[[list[str]], dict[str, str]] | None = None
    # Of these ids, those marked 取扱注意.
    sensitive: Callable[[list[str]], set[str]] | None = None
    # ids → the beat each belongs to (a break-the-glass case goes to its 取扱責任者 too).
    beat_of: Callable[[list[str]], dict[str, int | None]] | None = None
    # id → the containers whose exports carried it: [(object_type, object_id), …].
    containers: Callable[[str], list[tuple[str, str]]] | None = None


@dataclass(frozen=True)
class HistorySource:
    key: str  # "card": used in URLs and filters
    label: str  # 巡回連絡カード
    model: type[Model]  # the tracked model; its simple-history model is model.history.model
    object_type: str  # "liaison.liaisoncard"
    # (user, ids of tracked objects) → the ids whose values this user may see (a card role).
    values_visible: Callable[[Any, list[int]], set[int]]
    # The tracked object's id → the object id its access events and pages use (a member's
    # card, a visit's card); None: the object itself.
    owner_of: Callable[[list[int]], dict[int, tuple[str, str]]] | None = None
    # Fields whose values are never shown in the audit, whoever asks.
    hidden_fields: frozenset[str] = frozenset()
    # A field's value as its owning app writes it on its pages (a postal code as 〒310-0852),
    # where the generic reading (choices, dates, names) is not enough.
    formats: Mapping[str, Callable[[Any], str]] = field(
        default_factory=dict, hash=False, compare=False
    )


@dataclass(frozen=True)
class PersonalDataExpiry:
    """Personal data an app keeps for a set time after its purpose ended (a withdrawn
    liaison member's contact details): the retention run erases it, values and history
    values alike, and leaves the rows (and so the counts) in place."""

    key: str
    label: str  # 退任した地域安全連絡員
    # now -> how many objects are due (the dry run).
    due: Callable[[dt.datetime], int]
    # now -> erase what is due; how many were erased.
    erase: Callable[[dt.datetime], int]


_kinds: dict[str, AuditedKind] = {}
_sources: dict[str, HistorySource] = {}
_expiries: dict[str, PersonalDataExpiry] = {}


def register_kind(kind: AuditedKind) -> None:
    _kinds[kind.object_type] = kind


def register_history(source: HistorySource) -> None:
    _sources[source.key] = source


def register_expiry(expiry: PersonalDataExpiry) -> None:
    _expiries[expiry.key] = expiry


def expiries() -> list[PersonalDataExpiry]:
    return list(_expiries.values())


def kind(object_type: str) -> AuditedKind | None:
    return _kinds.get(object_type)


def kinds() -> list[AuditedKind]:
    return list(_kinds.values())


def history_sources() -> list[HistorySource]:
    return list(_sources.values())


def history_source(key: str) -> HistorySource | None:
    return _sources.get(key)
