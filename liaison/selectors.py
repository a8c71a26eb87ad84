"""Reads of cards and books that depend on who is asking. Every list starts from
`card_list(user=…)` or `book_list(user=…)`; a detail outside them is a 404 (OutOfScope)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import Station, User

from . import text
from .models import (
    CARD_OPTIONAL_FIELDS,
    MEMBER_OPTIONAL_FIELDS,
    BreakGlassAccess,
    CardKind,
    CardMember,
    CardStatus,
    CardVehicle,
    LiaisonBook,
    LiaisonCard,
)
from .services import FieldChange

BOOK_STATUSES = (CardStatus.FILED, CardStatus.CLOSED)


# --- Cards -----------------------------------------------------------------------------


def card_list(*, user: User) -> QuerySet[LiaisonCard]:
    """Every card the user may see: filed and closed cards of the books he may view, his own
    drafts and submitted cards, submitted cards of the stations whose queue he keeps or of
    the books he writes, and cards he holds an unexpired break-the-glass access to."""
    if not (user and user.is_authenticated and user.is_active):
        return LiaisonCard.objects.none()
    scope = permissions.card_scope(user)
    glass = BreakGlassAccess.objects.filter(
        user=user, expires_at__gt=timezone.now(), card=OuterRef("pk")
    )
    return LiaisonCard.objects.filter(
        Q(status__in=BOOK_STATUSES, book_id__in=scope["view_books"])
        | Q(status__in=[CardStatus.DRAFT, CardStatus.SUBMITTED], created_by=user)
        | Q(status=CardStatus.SUBMITTED, station_id__in=scope["assign_stations"])
        | Q(status=CardStatus.SUBMITTED, book_id__in=scope["write_books"])
        | Q(Exists(glass), status__in=BOOK_STATUSES)
    )


def card_get(*, user: User, pk: int) -> LiaisonCard:
    card = (
        card_list(user=user)
        .select_related("book__beat__post__station", "station", "parent", "created_by")
        .filter(pk=pk)
        .first()
    )
    if card is None:
        raise OutOfScope("liaison.liaisoncard", str(pk))
    return card


def card_break_glass_active(*, user: User, card: LiaisonCard) -> BreakGlassAccess | None:
    """The unexpired break-the-glass access through which this user sees this card, if the
    card is outside his normal scope."""
    if "view" in permissions.card_actions(user, card):
        return None
    return (
        BreakGlassAccess.objects.filter(user=user, card=card, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def search_filter(query: str) -> Q:
    """A name in kanji or kana (full- or half-width, hiragana or katakana) or a phone number
    in any notation. Every word must match."""
    condition = Q()
    for word in text.nfkc(query).split():
        number = text.digits(word)
        if number and len(number) >= 3 and len(number) * 2 >= len(word):
            condition &= Q(search_phones__contains=number)
        else:
            condition &= Q(search_names__contains=text.fold_name(word))
    return condition


def card_search(*, user: User, query: str) -> QuerySet[LiaisonCard]:
    """Cards in scope matching a name or phone number, across every book the user sees."""
    if not query.strip():
        return LiaisonCard.objects.none()
    return (
        card_list(user=user)
        .filter(search_filter(query))
        .select_related("book__beat__post")
        .order_by("head_kana", "address_key", "pk")
    )


def card_members(*, card: LiaisonCard) -> list[CardMember]:
    return list(card.members.all())


def card_vehicles(*, card: LiaisonCard) -> list[CardVehicle]:
    return list(card.vehicles.all())


def submitted_list(*, user: User) -> QuerySet[LiaisonCard]:
    """Cards waiting to be filed: the 地域課長等's queue (to assign), the beat officer's (to
    file), and a staff member's own drafts and submitted cards."""
    return (
        card_list(user=user)
        .filter(status__in=[CardStatus.DRAFT, CardStatus.SUBMITTED])
        .select_related("book__beat__post", "created_by", "station")
        .order_by("-submitted_at", "-created_at", "pk")
    )


def break_glass_candidates(
    *, user: User, station: Station, query: str, limit: int = 20
) -> list[LiaisonCard]:
    """Cards of the station matching a name or phone number, for an officer who has stated
    why he must break the glass. Only the index columns are read (who and where)."""
    if not query.strip() or not permissions.may_break_glass(user, station):
        return []
    return list(
        LiaisonCard.objects.filter(station=station, status__in=BOOK_STATUSES)
        .filter(search_filter(query))
        .select_related("book__beat__post")
        .only(
            "pk",
            "kind",
            "status",
            "head_name",
            "head_kana",
            "town",
            "banchi",
            "building",
            "room",
            "book__beat__name",
            "book__beat__post__name",
        )
        .order_by("head_kana", "address_key", "pk")[:limit]
    )


def break_glass_active_list(*, user: User) -> list[BreakGlassAccess]:
    """The user's own break-the-glass accesses that have not expired yet."""
    return list(
        BreakGlassAccess.objects.filter(user=user, expires_at__gt=timezone.now())
        .select_related("card__book__beat__post")
        .order_by("-expires_at")
    )


def card_for_break_glass(*, user: User, pk: int) -> LiaisonCard:
    """A filed card of a station where the user may break the glass; else a 404."""
    stations = permissions.stations_for(user, "break_glass").values("pk")
    card = (
        LiaisonCard.objects.filter(pk=pk, station_id__in=stations, status__in=BOOK_STATUSES)
        .select_related("book__beat__post", "station")
        .first()
    )
    if card is None:
        raise OutOfScope("liaison.liaisoncard", str(pk))
    return card


# --- Books -----------------------------------------------------------------------------


def book_list(*, user: User) -> QuerySet[LiaisonBook]:
    """The books the user may view, with their open-card counts, in station/post order."""
    scope = permissions.card_scope(user)
    return (
        LiaisonBook.objects.filter(beat_id__in=scope["view_books"])
        .select_related("beat__post__station")
        .annotate(
            card_total=Count("cards", filter=Q(cards__status=CardStatus.FILED)),
        )
        .order_by("beat__post__station__code", "beat__post__name", "beat__name")
    )


def book_get(*, user: User, pk: int) -> LiaisonBook:
    book = (
        LiaisonBook.objects.filter(pk=pk, beat_id__in=permissions.card_scope(user)["view_books"])
        .select_related("beat__post__station")
        .first()
    )
    if book is None:
        raise OutOfScope("liaison.liaisonbook", str(pk))
    return book


BOOK_ORDERS = {
    "address": ("address_key", "pk"),
    "kana": ("head_kana", "address_key", "pk"),
}


def book_card_list(
    *,
    book: LiaisonBook,
    order: str = "address",
    kind: str = "",
    status: str = CardStatus.FILED,
    never_visited: bool = False,
    attention: bool = False,
    incomplete: bool = False,
    query: str = "",
) -> QuerySet[LiaisonCard]:
    """The book's cards in the order of one of its two 索引, filtered. The caller has
    already fetched the book through book_get (so the user may view it)."""
    cards = LiaisonCard.objects.filter(book=book)
    cards = cards.filter(status=status) if status else cards.filter(status__in=BOOK_STATUSES)
    if kind:
        cards = cards.filter(kind=kind)
    if never_visited:
        cards = cards.filter(last_visit_on__isnull=True)
    if attention:
        cards = cards.filter(care_count__gt=0)
    if incomplete:
        cards = cards.exclude(missing=[], declined_summary=[])
    if query.strip():
        cards = cards.filter(search_filter(query))
    return cards.only(
        "pk",
        "kind",
        "status",
        "book_id",
        "parent_id",
        "town",
        "banchi",
        "building",
        "room",
        "head_name",
        "head_kana",
        "member_count",
        "care_count",
        "care_elderly_only",
        "care_elderly_alone",
        "care_needs_support",
        "care_foreign",
        "care_language",
        "missing",
        "declined_summary",
        "last_visit_on",
        "closed_on",
    ).order_by(*BOOK_ORDERS.get(order, BOOK_ORDERS["address"]))


def book_summary(*, book: LiaisonBook) -> dict[str, Any]:
    """受持区要覧: what the paper book's summary page gives, in one aggregate query."""
    filed = Q(status=CardStatus.FILED)
    return LiaisonCard.objects.filter(book=book).aggregate(
        households=Count("pk", filter=filed & Q(kind=CardKind.HOUSEHOLD)),
        apartments=Count("pk", filter=filed & Q(kind=CardKind.APARTMENT)),
        businesses=Count("pk", filter=filed & Q(kind=CardKind.BUSINESS)),
        population=Sum("member_count", filter=filed, default=0),
        elderly_only=Count("pk", filter=filed & Q(care_elderly_only=True)),
        elderly_alone=Count("pk", filter=filed & Q(care_elderly_alone=True)),
        needs_support=Count("pk", filter=filed & Q(care_needs_support=True)),
        foreign=Count("pk", filter=filed & Q(care_foreign=True)),
        never_visited=Count("pk", filter=filed & Q(last_visit_on__isnull=True)),
        closed=Count("pk", filter=Q(status=CardStatus.CLOSED)),
    )


def export_card_list(*, user: User, books: QuerySet[LiaisonBook]) -> QuerySet[LiaisonCard]:
    """Cards of the given books that the user may export, in book and address order."""
    scope = permissions.card_scope(user)
    return (
        LiaisonCard.objects.filter(
            book__in=books, book_id__in=scope["export_books"], status__in=BOOK_STATUSES
        )
        .select_related("book__beat__post")
        .order_by("book_id", "address_key", "pk")
    )


def export_book_list(*, user: User, station_id: int | None = None) -> QuerySet[LiaisonBook]:
    books = LiaisonBook.objects.filter(beat_id__in=permissions.card_scope(user)["export_books"])
    if station_id is not None:
        books = books.filter(beat__post__station_id=station_id)
    return books


# --- History -----------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: Any
    who: str
    reason: str
    subject: str  # 「カード」「世帯員 山田 太郎」…
    kind: str  # 作成 / 変更 / 削除
    changes: list[FieldChange] = field(default_factory=list)


_HIDDEN = {
    "id",
    "card",
    "version",
    "updated_at",
    "history_id",
    "history_date",
    "history_user",
    "history_type",
    "history_change_reason",
    "missing",
    "declined_summary",
    "head_name",
    "head_kana",
    "member_count",
    "care_count",
    "position",
    "created_at",
    "created_by",
    "card_version",
    "station",
    "parent",
    "book",
}


def _display(model, name: str, value: Any) -> str:
    if value in (None, "", []):
        return "（なし）"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if name == "declined":
        labels = {**CARD_OPTIONAL_FIELDS, **MEMBER_OPTIONAL_FIELDS}
        return "、".join(labels.get(v, v) for v in value)
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y年%m月%d日")
    return str(value)


def _diff(model, old, new) -> list[FieldChange]:
    changes = []
    for f in model._meta.concrete_fields:
        if f.name in _HIDDEN or f.name.endswith("_id"):
            continue
        before = getattr(old, f.attname, None) if old is not None else None
        after = getattr(new, f.attname, None) if new is not None else None
        if old is None and after in (None, "", [], False):
            continue  # a new record lists what it holds, not every unticked box
        if before != after and not (before in (None, "", []) and after in (None, "", [])):
            changes.append(
                FieldChange(
                    field=f.name,
                    label=str(f.verbose_name),
                    old=_display(model, f.name, before),
                    new=_display(model, f.name, after),
                )
            )
    return changes


_KINDS = {"+": "作成", "~": "変更", "-": "削除"}


def _entries(records, model, subject) -> list[HistoryEntry]:
    """Readable entries from one object's history records, oldest first."""
    entries = []
    previous = None
    for record in records:
        changes = _diff(model, previous, record) if record.history_type != "-" else []
        if record.history_type == "~" and not changes and not record.history_change_reason:
            previous = record
            continue
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=f"{user.full_name}（{user.employee_number}）" if user else "システム",
                reason=record.history_change_reason or "",
                subject=subject(record),
                kind=_KINDS[record.history_type],
                changes=changes,
            )
        )
        previous = record
    return entries


def card_history(*, card: LiaisonCard, limit: int | None = None) -> list[HistoryEntry]:
    """Every change of the card, its members and vehicles, newest first, as readable diffs.
    Three queries whatever the length of the history."""
    card_records = list(
        LiaisonCard.history.filter(id=card.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    member_records = list(
        CardMember.history.filter(card_id=card.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    vehicle_records = list(
        CardVehicle.history.filter(card_id=card.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    entries = _entries(card_records, LiaisonCard, lambda r: "カード")
    for records, model, label in (
        (member_records, CardMember, "世帯員"),
        (vehicle_records, CardVehicle, "車両"),
    ):
        by_object: dict[int, list] = {}
        for record in records:
            by_object.setdefault(record.id, []).append(record)
        for object_records in by_object.values():
            entries += _entries(
                object_records,
                model,
                lambda r, label=label: (
                    f"{label} {getattr(r, 'name', '') or getattr(r, 'plate', '')}"
                ),
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit] if limit else entries


def card_changes_since(*, card: LiaisonCard, version: int) -> list[FieldChange]:
    """What others changed since the editor opened `version`: the card's fields, and its
    members and vehicles by name, for the refusal message of a stale save."""
    records = list(LiaisonCard.history.filter(id=card.pk).order_by("history_date", "history_id"))
    opened = next((r for r in reversed(records) if r.version == version), None)
    if opened is None:
        return []
    changes = _diff(LiaisonCard, opened, records[-1])
    for model, label in ((CardMember, "世帯員"), (CardVehicle, "車両")):
        if model.history.filter(card_id=card.pk, card_version__gt=version).exists():
            changes.append(FieldChange(field=label, label=label, old="", new="変更あり"))
    return changes
