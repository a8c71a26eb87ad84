"""What the HQ audit (accounts.audit) may know of liaison objects: ids and labels, never
contents. Registered from LiaisonConfig.ready()."""

from __future__ import annotations

from accounts.audit.registry import AuditedKind, register_kind

from .models import LiaisonCard, Visit
from .selectors import search_filter

CARD = "liaison.liaisoncard"
BOOK = "liaison.liaisonbook"
VISIT = "liaison.visit"
NAME_MATCH_LIMIT = 200  # a name matching more households than this is too vague to audit by


def _ints(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if str(i).isdigit()]


def card_ids_for_name(name: str) -> list[str]:
    """The cards whose household or business name matches, as ids only."""
    if not name.strip():
        return []
    ids = (
        LiaisonCard.objects.filter(search_filter(name))
        .order_by("pk")
        .values_list("pk", flat=True)[:NAME_MATCH_LIMIT]
    )
    return [str(pk) for pk in ids]


def card_labels(ids: list[str]) -> dict[str, str]:
    """「カード No.123（中央警察署 駅前交番 第1受持区）」: where the card is, not who."""
    rows = LiaisonCard.objects.filter(pk__in=_ints(ids)).values_list(
        "pk", "station__name", "book__beat__post__name", "book__beat__name"
    )
    labels = {}
    for pk, station, post, beat in rows:
        where = " ".join(part for part in (station, post, beat) if part)
        labels[str(pk)] = f"カード No.{pk}（{where}）"
    return labels


def card_sensitive(ids: list[str]) -> set[str]:
    rows = LiaisonCard.objects.filter(pk__in=_ints(ids), sensitive=True).values_list(
        "pk", flat=True
    )
    return {str(pk) for pk in rows}


def card_beats(ids: list[str]) -> dict[str, int | None]:
    rows = LiaisonCard.objects.filter(pk__in=_ints(ids)).values_list("pk", "book_id")
    return {str(pk): book_id for pk, book_id in rows}


def card_containers(card_id: str) -> list[tuple[str, str]]:
    """An export of the card's book or station carried the card too."""
    row = (
        LiaisonCard.objects.filter(pk__in=_ints([card_id]))
        .values_list("book_id", "station_id")
        .first()
    )
    if row is None:
        return []
    book_id, station_id = row
    containers = [("accounts.station", str(station_id))]
    if book_id:
        containers.insert(0, (BOOK, str(book_id)))
    return containers


def book_labels(ids: list[str]) -> dict[str, str]:
    from accounts.models import Beat

    rows = Beat.objects.filter(pk__in=_ints(ids)).values_list(
        "pk", "post__station__name", "post__name", "name"
    )
    return {str(pk): f"巡回連絡簿（{s} {p} {b}）" for pk, s, p, b in rows}


def visit_labels(ids: list[str]) -> dict[str, str]:
    rows = Visit.objects.filter(pk__in=_ints(ids)).values_list("pk", "card_id")
    return {str(pk): f"巡回連絡の記録 No.{pk}（カード No.{card}）" for pk, card in rows}


def register() -> None:
    register_kind(
        AuditedKind(
            object_type=CARD,
            label="巡回連絡カード",
            resolve_name=card_ids_for_name,
            describe=card_labels,
            sensitive=card_sensitive,
            beat_of=card_beats,
            containers=card_containers,
        )
    )
    register_kind(AuditedKind(object_type=BOOK, label="巡回連絡簿", describe=book_labels))
    register_kind(AuditedKind(object_type=VISIT, label="巡回連絡の記録", describe=visit_labels))
