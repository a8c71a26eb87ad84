"""Reads of cards and books that depend on who is asking. Every list starts from
`card_list(user=…)` or `book_list(user=…)`; a detail outside them is a 404 (OutOfScope)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts import dates, permissions
from accounts.exceptions import OutOfScope
from accounts.models import Post, Station, User
from accounts.names import fold_name
from liaison.cards.models import (
    CARD_OPTIONAL_FIELDS,
    MEMBER_OPTIONAL_FIELDS,
    CardKind,
    CardMember,
    CardStatus,
    CardVehicle,
    LiaisonBook,
    LiaisonCard,
)
from liaison.glass.models import BreakGlassAccess
from liaison.instructions.models import StationInstruction
from liaison.night.models import NightVisitRequest
from liaison.planning.models import DedicatedDay, MonthlyPlan, VisitPolicy
from liaison.takeover.models import Takeover
from liaison.visits.models import Visit, VisitOutcome

from . import text
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
        # The 地域課長等's queue: a card not yet assigned, if its address proposes one of his
        # beats or none (要領 第3-2(4): each over his own 地域課's posts). Once assigned, the
        # writers of its book see it (below), he among them.
        | (
            Q(status=CardStatus.SUBMITTED, book__isnull=True)
            & Q(station_id__in=scope["assign_stations"])
            & (Q(proposed_book__isnull=True) | Q(proposed_book_id__in=scope["write_books"]))
        )
        | Q(status=CardStatus.SUBMITTED, book_id__in=scope["write_books"])
        # A glass grant counts only while the user may still break the glass at the card's
        # station: it ends with his appointment, and does not follow a card elsewhere.
        | Q(Exists(glass), status__in=BOOK_STATUSES, station_id__in=scope["glass_stations"])
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
        BreakGlassAccess.objects.filter(
            user=user,
            card=card,
            expires_at__gt=timezone.now(),
            card__station__in=permissions.stations_for(user, "break_glass").values("pk"),
        )
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
            condition &= Q(search_names__contains=fold_name(word))
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
        .select_related("book__beat__post", "proposed_book__beat__post", "created_by", "station")
        .order_by("-submitted_at", "-created_at", "pk")
    )


def cards_waiting_for_beat(*, user: User) -> QuerySet[LiaisonCard]:
    """Submitted cards in the user's queue that wait for a beat (要領 第6-2(3)ウ), the
    longest waiting first: the 地域課長等's home page flags them with their age."""
    scope = permissions.card_scope(user)
    return (
        card_list(user=user)
        .filter(
            status=CardStatus.SUBMITTED,
            book__isnull=True,
            station_id__in=scope["assign_stations"],
        )
        .select_related("created_by", "proposed_book__beat__post")
        .only(
            "pk",
            "submitted_at",
            "created_at",
            "created_by__full_name",
            "proposed_book__beat__name",
            "proposed_book__beat__post__name",
        )
        .order_by("submitted_at", "pk")
    )


def draft_stale_before(now: dt.datetime | None = None) -> dt.datetime:
    """Drafts made before this instant are stale (要領 第6-2(1)イ: submitted 「速やかに」)."""
    return (now or timezone.now()) - dt.timedelta(days=settings.CARD_DRAFT_STALE_DAYS)


def stale_drafts_mine(*, user: User) -> int:
    """How many of the user's own drafts have waited longer than the setting."""
    if not (user and user.is_authenticated):
        return 0
    return LiaisonCard.objects.filter(
        created_by=user, status=CardStatus.DRAFT, created_at__lt=draft_stale_before()
    ).count()


@dataclass
class StaleDrafts:
    maker_id: int
    maker: str  # 氏名（職員番号）
    count: int
    oldest: dt.datetime


def stale_drafts_for_chief(*, user: User) -> list[StaleDrafts]:
    """Stale drafts the 地域課長等 should chase, by maker: staff drafts of the stations whose
    queue he keeps and drafts in the books he writes (his own among them). Who and how many
    only: a draft stays its maker's to read. One grouped query."""
    scope = permissions.card_scope(user)
    rows = (
        LiaisonCard.objects.filter(status=CardStatus.DRAFT, created_at__lt=draft_stale_before())
        .filter(
            Q(book__isnull=True, station_id__in=scope["assign_stations"])
            | Q(book_id__in=scope["write_books"])
        )
        .order_by()
        .values("created_by", "created_by__full_name", "created_by__employee_number")
        .annotate(count=Count("pk"), oldest=Min("created_at"))
        .order_by("oldest")
    )
    return [
        StaleDrafts(
            maker_id=row["created_by"],
            maker=f"{row['created_by__full_name']}（{row['created_by__employee_number']}）",
            count=row["count"],
            oldest=row["oldest"],
        )
        for row in rows
    ]


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
        BreakGlassAccess.objects.filter(
            user=user,
            expires_at__gt=timezone.now(),
            card__station__in=permissions.stations_for(user, "break_glass").values("pk"),
            card__status__in=BOOK_STATUSES,
        )
        .select_related("card__book__beat__post", "card__station")
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


def book_summary(*, book: LiaisonBook, today: dt.date | None = None) -> dict[str, Any]:
    """受持区要覧: what the paper book's summary page gives, and the beat's 要訪問・期限超過
    as every other page counts them (the DueRule's aggregates), in one aggregate query."""
    filed = Q(status=CardStatus.FILED)
    rule = station_due_rule(station=book.beat.post.station, today=today or timezone.localdate())
    due = _due_aggregates(rule)
    row = LiaisonCard.objects.filter(book=book).aggregate(
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
        **due,
    )
    figures = _due_figures(row)
    for name in due:
        row.pop(name)
    return {**row, "due": figures["due"], "overdue": figures["overdue"]}


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
    if name == "postal_code":
        return text.postal_display(value)
    # Tokyo time: a card filed at 00:59 on 5 December was filed on the 5th, not the 4th (UTC).
    if isinstance(value, dt.datetime):
        return dates.datetime_ja(value)
    if isinstance(value, dt.date):
        return dates.date_ja(value)
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


# --- 巡回連絡: policy, worklist, progress, night requests, takeover ---------------------------


def visit_policy_for(*, headquarters_id: int) -> VisitPolicy:
    """The policy in force; HQ's defaults (a 365-day cycle, households and businesses) until
    HQ sets one."""
    policy = VisitPolicy.objects.filter(headquarters_id=headquarters_id).first()
    return policy or VisitPolicy(headquarters_id=headquarters_id)


# --- 要訪問・期限超過: the one definition (issue 10 point 6) ----------------------------------
#
# Every figure and list of due or overdue cards (the progress pages and their home panel,
# the worklist and its home panel, the book's 受持区要覧, the takeover page) reads it here:
# a DueRule says which cards count and when each falls due, card_due_counts counts them and
# cards_due lists them.


@dataclass
class DueRule:
    """What makes a card due on `today`, for the stations whose 署長指示 it carries.

    Counted (要領 第5-1): filed (a closed card is not), of a kind the policy counts or added
    by a 署長指示 in force, and not excluded by one (an exclusion wins over an addition).
    Due date (第5-2): the last visit plus the card's cycle (the shortest of its care points'
    cycles and the default); never visited, the day it was filed. A counted card is due
    (要訪問) from its due date, and overdue (期限超過) the day after.
    """

    policy: VisitPolicy
    today: dt.date
    instructions: list[StationInstruction] = field(default_factory=list)
    # instruction pk -> card ids it names
    instruction_cards: dict[int, list[int]] = field(default_factory=dict)

    def _targets_q(self, action: str) -> Q | None:
        """The cards and areas of the instructions of one kind, OR'ed; None if none."""
        q: Q | None = None
        for instruction in self.instructions:
            if instruction.action != action:
                continue
            parts = [
                area_q(area) & Q(station_id=instruction.station_id) for area in instruction.areas
            ]
            ids = self.instruction_cards.get(instruction.pk, [])
            if ids:
                parts.append(Q(pk__in=ids))
            for part in parts:
                q = part if q is None else q | part
        return q

    def counted_q(self) -> Q:
        counted = Q(kind__in=self.policy.kinds)
        added = self._targets_q(StationInstruction.Action.INCLUDE)
        if added is not None:
            counted |= added
        excluded = self._targets_q(StationInstruction.Action.EXCLUDE)
        if excluded is not None:
            counted &= ~excluded
        return Q(status=CardStatus.FILED) & counted

    def fresh_q(self, day: dt.date) -> Q:
        """Visited within its cycle as of `day`. A card's cycle is the shortest of its care
        points' cycles and the default, so `last > day - min(cycles)` is the AND of
        `last > day - c` over the cycles that apply: plain date comparisons that any index
        can serve."""
        policy = self.policy
        q = Q(last_visit_on__gt=day - dt.timedelta(days=policy.default_cycle_days))
        for flag, name in VisitPolicy.CARE_CYCLES.items():
            days = getattr(policy, name)
            if days:
                q &= Q(**{flag: False}) | Q(last_visit_on__gt=day - dt.timedelta(days=days))
        return q

    def not_due_q(self) -> Q:
        """Its due date is after today."""
        return self.fresh_q(self.today)

    def not_overdue_q(self) -> Q:
        """Its due date is today or later: visited within its cycle as of yesterday, or never
        visited and filed today (a new card is due the day it is filed, overdue after)."""
        midnight = dt.datetime.combine(
            self.today, dt.time.min, tzinfo=timezone.get_current_timezone()
        )
        filed_today = Q(filed_at__gte=midnight) | Q(filed_at__isnull=True, created_at__gte=midnight)
        return self.fresh_q(self.today - dt.timedelta(days=1)) | (
            Q(last_visit_on__isnull=True) & filed_today
        )

    def due_on(self, card: LiaisonCard) -> dt.date:
        if card.last_visit_on:
            return card.last_visit_on + dt.timedelta(days=self.policy.cycle_for(card))
        return timezone.localdate(card.filed_at or card.created_at)

    def overdue_days(self, card: LiaisonCard) -> int:
        return max((self.today - self.due_on(card)).days, 0)


AREA_CHOME = re.compile(r"^(.+?)(\d+)丁目$")


def area_parts(area: str) -> tuple[str, int | None]:
    """「千波町一丁目」 → ("千波町", 1); 「千波町」 → ("千波町", None). NFKC (full-width digits
    and spaces too), kanji numerals as digits, spaces removed."""
    normal = text.arabic(area).replace(" ", "")
    match = AREA_CHOME.match(normal)
    if match:
        return match.group(1), int(match.group(2))
    return normal, None


def area_q(area: str) -> Q:
    """The cards of an area (町字, or 町字 and 丁目), on the card's address key (its 町字 and
    番地 in natural form, numbers zero-padded). 「千波町」 covers 千波町 and its 丁目 (千波町一丁目
    …) but not 千波町東; 「千波町一丁目」 covers a 町字 written 千波町一丁目, and 千波町 with the
    番地 一丁目2番3号 or 1-2-3 (the first number of a 番地 is its 丁目 where there are 丁目)."""
    town, chome = area_parts(area)
    key = text.natural_key(town)
    if chome is None:
        # Exactly this 町字, or this 町字 followed by its 丁目 (a zero-padded number).
        return Q(address_key__startswith=key + "\x1f") | Q(
            address_key__regex=rf"^{re.escape(key)}[0-9]"
        )
    number = f"{chome:06d}"
    return (
        Q(address_key__startswith=f"{key}{number}丁目")
        | Q(address_key__startswith=f"{key}\x1f{number}丁目")
        | Q(address_key__startswith=f"{key}\x1f{number}-")
    )


def due_rule(*, headquarters_id: int, station_ids: list[int], today: dt.date) -> DueRule:
    """The rule in force on `today` for these stations (of one HQ): the policy, and the
    署長指示 in force with the cards they name. Two queries, three with instructions."""
    instructions = list(
        StationInstruction.objects.filter(
            station_id__in=station_ids,
            starts_on__lte=today,
            ends_on__gte=today,
            ended_at__isnull=True,
        ).order_by("starts_on", "pk")
    )
    cards: dict[int, list[int]] = {}
    if instructions:
        through = StationInstruction.cards.through.objects.filter(
            stationinstruction_id__in=[i.pk for i in instructions]
        ).values_list("stationinstruction_id", "liaisoncard_id")
        for instruction_id, card_id in through:
            cards.setdefault(instruction_id, []).append(card_id)
    return DueRule(
        policy=visit_policy_for(headquarters_id=headquarters_id),
        today=today,
        instructions=instructions,
        instruction_cards=cards,
    )


def station_due_rule(*, station: Station, today: dt.date) -> DueRule:
    return due_rule(headquarters_id=station.headquarters_id, station_ids=[station.pk], today=today)


def _due_aggregates(rule: DueRule) -> dict[str, Count]:
    counted = rule.counted_q()
    return {
        "to_visit": Count("pk", filter=counted),
        "visited": Count("pk", filter=counted & rule.not_due_q()),
        "in_time": Count("pk", filter=counted & rule.not_overdue_q()),
    }


def _due_figures(row: dict[str, Any]) -> dict[str, int]:
    to_visit, visited, in_time = (row.get(k) or 0 for k in ("to_visit", "visited", "in_time"))
    return {
        "to_visit": to_visit,
        "visited": visited,
        "due": to_visit - visited,
        "overdue": to_visit - in_time,
    }


def card_due_counts(
    *, cards: QuerySet[LiaisonCard], rule: DueRule, group: str | None = None
) -> Any:
    """対象件数 (to_visit), 周期内に実施 (visited), 要訪問 (due) and 期限超過 (overdue) of
    these cards under the rule, in one aggregate; a dict of them per `group` value if given."""
    aggregates = _due_aggregates(rule)
    if group is None:
        return _due_figures(cards.aggregate(**aggregates))
    rows = cards.order_by().values(group).annotate(**aggregates).values(group, *aggregates)
    return {row[group]: _due_figures(row) for row in rows}


def cards_due(
    *, cards: QuerySet[LiaisonCard], rule: DueRule, overdue_only: bool = False
) -> QuerySet[LiaisonCard]:
    """The counted cards among `cards` that are due (or only those overdue) under the rule."""
    due = cards.filter(rule.counted_q()).exclude(rule.not_due_q())
    return due.exclude(rule.not_overdue_q()) if overdue_only else due


@dataclass
class Progress:
    """The figures of the 計画・実施結果報告 for one beat, officer, station or period."""

    to_visit: int = 0
    visited: int = 0
    # 期限超過: due before today (selectors.DueRule). 要訪問 (due) is to_visit - visited.
    overdue: int = 0
    visits: int = 0
    night_visits: int = 0
    dedicated_visits: int = 0
    follow_ups_open: int = 0
    # Follow-ups raised on the period's visits (done or not): what an evaluation counts.
    follow_ups_raised: int = 0
    planned: int | None = None

    @property
    def due(self) -> int:
        return self.to_visit - self.visited

    @property
    def coverage(self) -> Decimal:
        if not self.to_visit:
            return Decimal("0.0")
        return (Decimal(self.visited) * 100 / self.to_visit).quantize(Decimal("0.1"))

    def add(self, other: Progress) -> None:
        for name in (
            "to_visit",
            "visited",
            "overdue",
            "visits",
            "night_visits",
            "dedicated_visits",
            "follow_ups_raised",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.follow_ups_open += other.follow_ups_open
        if other.planned is not None:
            self.planned = (self.planned or 0) + other.planned


def _visit_figures(visits: QuerySet, start: dt.datetime, end: dt.datetime, group: str | None):
    in_period = Q(started_at__gte=start, started_at__lt=end)
    aggregates = {
        "visits": Count("pk", filter=in_period),
        "night_visits": Count("pk", filter=in_period & Q(night_request__isnull=False)),
        "dedicated_visits": Count("pk", filter=in_period & Q(on_dedicated_day=True)),
        "follow_ups_raised": Count("pk", filter=in_period & ~Q(follow_up_department="")),
        "follow_ups_open": Count(
            "pk", filter=Q(follow_up_done_at__isnull=True) & ~Q(follow_up_department="")
        ),
    }
    # Only the rows that matter: the period's visits and any open follow-up.
    visits = visits.filter(
        in_period | (Q(follow_up_done_at__isnull=True) & ~Q(follow_up_department=""))
    )
    if group is None:
        return visits.aggregate(**aggregates)
    return {
        row[group]: row
        for row in visits.order_by().values(group).annotate(**aggregates).values(group, *aggregates)
    }


def _progress(cards: dict | None, visits: dict | None) -> Progress:
    cards, visits = cards or {}, visits or {}
    return Progress(
        to_visit=cards.get("to_visit") or 0,
        visited=cards.get("visited") or 0,
        overdue=cards.get("overdue") or 0,
        visits=visits.get("visits") or 0,
        night_visits=visits.get("night_visits") or 0,
        dedicated_visits=visits.get("dedicated_visits") or 0,
        follow_ups_open=visits.get("follow_ups_open") or 0,
        follow_ups_raised=visits.get("follow_ups_raised") or 0,
    )


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first instant, first instant of the next month) in Tokyo time."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        dt.datetime.combine(following, dt.time.min, tzinfo=tz),
    )


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in Tokyo time."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def review_stations(*, user: User) -> QuerySet[Station]:
    """The stations whose progress the user reviews (地域課長等, 署長; HQ: all)."""
    return permissions.stations_for(user, "review_progress").order_by("code")


def review_station_get(*, user: User, pk: int) -> Station:
    station = review_stations(user=user).select_related("headquarters").filter(pk=pk).first()
    if station is None:
        raise OutOfScope("accounts.station", str(pk))
    return station


@dataclass
class StationProgress:
    station: Station
    rule: DueRule
    month: dt.date
    total: Progress
    beats: list[tuple[Any, Progress]]
    officers: list[tuple[User, Progress]]

    @property
    def policy(self) -> VisitPolicy:
        return self.rule.policy


def station_progress(
    *, station: Station, month: dt.date, today: dt.date, user: User | None = None
) -> StationProgress:
    """Per beat and per officer, for the month: a fixed number of grouped queries whatever
    the number of cards, visits, beats or officers. Given the user, only the beats of his
    remit (a 地域課長等 of one 地域課: its posts' beats) and their officers."""
    from accounts.models import Beat, BeatAssignment

    rule = station_due_rule(station=station, today=today)
    start, end = month_bounds(month)
    beats_in = (
        permissions.remit_beats(user, station)
        if user is not None
        else Beat.objects.filter(post__station=station)
    )
    beats = list(beats_in.select_related("post").order_by("post__name", "name"))
    remit = {beat.pk for beat in beats}
    cards = card_due_counts(
        cards=LiaisonCard.objects.filter(station=station), rule=rule, group="book_id"
    )
    visits = _visit_figures(Visit.objects.filter(station=station), start, end, group="book_id")
    beat_rows = [(beat, _progress(cards.get(beat.pk), visits.get(beat.pk))) for beat in beats]
    total = Progress()
    for _, progress in beat_rows:
        total.add(progress)

    # Officers: the cards of their current beats, the visits they made.
    assignments = list(
        BeatAssignment.objects.filter(
            beat__post__station=station, granted_at__isnull=False, revoked_at__isnull=True
        )
        .select_related("officer")
        .order_by("officer__employee_number", "beat_id")
    )
    by_officer_visits = _visit_figures(
        Visit.objects.filter(station=station), start, end, group="officer_id"
    )
    plans = dict(
        MonthlyPlan.objects.filter(station=station, month=month.replace(day=1)).values_list(
            "officer_id", "planned_households"
        )
    )
    officers: dict[int, tuple[User, Progress]] = {}
    for assignment in assignments:
        if assignment.beat_id not in remit:
            continue
        officer = assignment.officer
        if officer.pk not in officers:
            progress = _progress(None, by_officer_visits.get(officer.pk))
            progress.planned = plans.get(officer.pk)
            officers[officer.pk] = (officer, progress)
        beat_cards = cards.get(assignment.beat_id) or {}
        for name in ("to_visit", "visited", "overdue"):
            setattr(
                officers[officer.pk][1],
                name,
                getattr(officers[officer.pk][1], name) + (beat_cards.get(name) or 0),
            )
    return StationProgress(
        station=station,
        rule=rule,
        month=month.replace(day=1),
        total=total,
        beats=beat_rows,
        officers=list(officers.values()),
    )


def hq_progress(*, user: User, month: dt.date, today: dt.date) -> list[tuple[Station, Progress]]:
    """The same figures per station, for HQ and the home panel: grouped by station in two
    queries (and the rule's two or three), over the beats of the user's remit only (a
    地域課長等 of one 地域課 counts his posts' beats; the subquery costs HQ no extra round
    trip)."""
    stations = list(review_stations(user=user).select_related("headquarters"))
    if not stations:
        return []
    ids = [s.pk for s in stations]
    rule = due_rule(headquarters_id=stations[0].headquarters_id, station_ids=ids, today=today)
    start, end = month_bounds(month)
    remit = permissions.remit_beats(user).values("pk")
    cards = card_due_counts(
        cards=LiaisonCard.objects.filter(station_id__in=ids, book_id__in=remit),
        rule=rule,
        group="station_id",
    )
    visits = _visit_figures(
        Visit.objects.filter(station_id__in=ids, book_id__in=remit), start, end, group="station_id"
    )
    return [(s, _progress(cards.get(s.pk), visits.get(s.pk))) for s in stations]


def visit_trend(
    *, station_ids: list[int], months: int, today: dt.date
) -> list[tuple[dt.date, int, int]]:
    """(month, visits, night visits) for the last `months` months, oldest first; months
    without visits appear with zeros."""
    first = today.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        starts.insert(0, (starts[0] - dt.timedelta(days=1)).replace(day=1))
    start, _ = month_bounds(starts[0])
    _, end = month_bounds(first)
    # One pass with a FILTER per month: range comparisons on the indexed column instead of
    # truncating every row's time in Tokyo time (several times faster on a year of visits).
    aggregates: dict[str, Count] = {}
    for index, month in enumerate(starts):
        lo, hi = month_bounds(month)
        in_month = Q(started_at__gte=lo, started_at__lt=hi)
        aggregates[f"v{index}"] = Count("pk", filter=in_month)
        aggregates[f"n{index}"] = Count("pk", filter=in_month & Q(night_request__isnull=False))
    totals = Visit.objects.filter(
        station_id__in=station_ids, started_at__gte=start, started_at__lt=end
    ).aggregate(**aggregates)
    found = {m: (totals[f"v{i}"] or 0, totals[f"n{i}"] or 0) for i, m in enumerate(starts)}
    return [(m, *found.get(m, (0, 0))) for m in starts]


def overdue_cards(*, user: User, book: LiaisonBook, rule: DueRule) -> QuerySet[LiaisonCard]:
    """Drill-down: the book's overdue cards (期限超過, as the figures count them), the
    oldest last visit first (never visited first of all)."""
    return cards_due(
        cards=card_list(user=user).filter(book=book), rule=rule, overdue_only=True
    ).order_by(F("last_visit_on").asc(nulls_first=True), "address_key", "pk")


@dataclass
class WorkItem:
    card: LiaisonCard
    due_on: dt.date
    overdue_days: int
    priority: int


@dataclass
class Worklist:
    """The officer's round and its figures, which are the progress page's for his beats."""

    items: list[WorkItem]
    figures: dict[str, int]  # card_due_counts: to_visit, visited, due, overdue
    rule: DueRule | None

    @property
    def tried_today(self) -> int:
        """Due, but tried today (不在): off today's list, still due."""
        return self.figures["due"] - len(self.items)


WORK_COLUMNS = (
    "pk",
    "kind",
    "status",
    "book__beat__name",
    "head_name",
    "head_kana",
    "town",
    "banchi",
    "building",
    "room",
    "phone",
    "care_elderly_only",
    "care_elderly_alone",
    "care_needs_support",
    "care_foreign",
    "care_language",
    "care_count",
    "last_visit_on",
    "last_attempt_on",
    "filed_at",
    "created_at",
    "address_key",
    "station_id",
    "book_id",
)
NO_FIGURES = {"to_visit": 0, "visited": 0, "due": 0, "overdue": 0}


def _work_scope(user: User, today: dt.date, beat_id: int | None):
    """The ids of the officer's beats (or of one of them) and the rule of their stations."""
    beats = permissions.beats_for(user, "record_visits")
    if beat_id is not None:
        beats = beats.filter(pk=beat_id)
    found = list(beats.select_related("post__station"))
    if not found:
        return [], None
    rule = due_rule(
        headquarters_id=found[0].post.station.headquarters_id,
        station_ids=sorted({beat.post.station_id for beat in found}),
        today=today,
    )
    return [beat.pk for beat in found], rule


def worklist(*, user: User, today: dt.date, beat_id: int | None = None) -> Worklist:
    """The officer's round: the due cards of his current beats (cards_due) not tried today,
    by priority (overdue days × (1 + care points), so a card with care points climbs faster)
    and then by address; with the figures of the same beats (card_due_counts)."""
    beats, rule = _work_scope(user, today, beat_id)
    if rule is None:
        return Worklist(items=[], figures=dict(NO_FIGURES), rule=None)
    mine = LiaisonCard.objects.filter(book_id__in=beats)
    figures = card_due_counts(cards=mine, rule=rule)
    cards = (
        cards_due(cards=mine, rule=rule)
        .exclude(last_attempt_on=today)
        .select_related("book__beat")
        .only(*WORK_COLUMNS)
    )
    items = []
    for card in cards:
        overdue = rule.overdue_days(card)
        items.append(WorkItem(card, rule.due_on(card), overdue, overdue * (1 + card.care_count)))
    items.sort(key=lambda item: (-item.priority, item.card.address_key, item.card.pk))
    return Worklist(items=items, figures=figures, rule=rule)


def worklist_figures(*, user: User, today: dt.date) -> dict[str, int]:
    """The figures of the officer's worklist without its rows, for his home page."""
    beats, rule = _work_scope(user, today, None)
    if rule is None:
        return dict(NO_FIGURES)
    return card_due_counts(cards=LiaisonCard.objects.filter(book_id__in=beats), rule=rule)


def card_visits(*, card: LiaisonCard, limit: int | None = None) -> list[Visit]:
    visits = Visit.objects.filter(card=card).select_related("officer", "follow_up_done_by")
    return list(visits[:limit] if limit else visits)


def visit_get(*, user: User, pk: int) -> Visit:
    """A visit is seen by whoever sees its card."""
    visit = (
        Visit.objects.select_related(
            "card", "officer", "night_request", "follow_up_done_by", "hours_acknowledged_by"
        )
        .filter(pk=pk, card__in=card_list(user=user))
        .first()
    )
    if visit is None:
        raise OutOfScope("liaison.visit", str(pk))
    return visit


def visit_hours_list(*, user: User, state: str = "waiting") -> QuerySet[Visit]:
    """Visits outside the hours (要領 第5-3) in the stations where the user approves night
    visits: waiting for acknowledgement ("waiting"), acknowledged ("done") or both ("all");
    those waiting first, the newest first."""
    visits = Visit.objects.filter(
        station__in=permissions.stations_for(user, "approve_night_visits").values("pk"),
        outside_hours=True,
    )
    if state == "waiting":
        visits = visits.filter(hours_acknowledged_at__isnull=True)
    elif state == "done":
        visits = visits.filter(hours_acknowledged_at__isnull=False)
    return visits.select_related(
        "card", "officer", "book__beat__post", "night_request", "hours_acknowledged_by"
    ).order_by(F("hours_acknowledged_at").asc(nulls_first=True), "-started_at", "-pk")


def visit_hours_get(*, user: User, pk: int) -> Visit:
    visit = visit_hours_list(user=user, state="all").filter(pk=pk).first()
    if visit is None:
        raise OutOfScope("liaison.visit", str(pk))
    return visit


def follow_ups_open(*, user: User) -> QuerySet[Visit]:
    """Open follow-ups of the books the user may see."""
    return (
        Visit.objects.filter(
            book__in=permissions.beats_for(user).values("pk"), follow_up_done_at__isnull=True
        )
        .exclude(follow_up_department="")
        .select_related("card", "officer", "book__beat")
        .order_by("started_at", "pk")
    )


def _reviewed_with_cards(user: User) -> QuerySet[Station]:
    """Stations whose progress the user reviews and whose cards he reads: the 地域課長等, the
    署長 and the 統括管理責任者, not the 地域部長, who reviews the figures only."""
    return permissions.stations_for(user, "review_progress").filter(
        pk__in=permissions.beats_for(user).values("post__station_id")
    )


def _remit_officers(user: User, *, current: bool) -> QuerySet:
    """Officer ids assigned (now, or ever) to a beat within the user's remit: a 地域課長等
    of one 地域課 answers for his posts' officers only (要領 第3-2(4)); the 署長 and HQ for
    every officer of their stations."""
    from accounts.models import BeatAssignment

    assignments = BeatAssignment.objects.filter(
        beat__in=permissions.beats_for(user).values("pk"), granted_at__isnull=False
    )
    if current:
        assignments = assignments.filter(revoked_at__isnull=True)
    return assignments.values("officer_id")


# Night requests: the officer's own; the station's for those who decide or review them, of
# the officers within their remit (those who ever held one of their beats, for the record).
def night_request_list(*, user: User) -> QuerySet[NightVisitRequest]:
    deciders = permissions.stations_for(user, "approve_night_visits").values("pk")
    reviewers = _reviewed_with_cards(user).values("pk")
    return (
        NightVisitRequest.objects.filter(
            Q(officer=user)
            | (
                (Q(station__in=deciders) | Q(station__in=reviewers))
                & Q(officer__in=_remit_officers(user, current=False))
            )
        )
        .select_related("officer", "station", "decided_by")
        .order_by("-date", "-requested_at")
    )


def night_requests_waiting(*, user: User) -> QuerySet[NightVisitRequest]:
    """What the 地域課長等 has to decide, the soonest date first: requests of the officers
    now on his beats."""
    return (
        NightVisitRequest.objects.filter(
            station__in=permissions.stations_for(user, "approve_night_visits").values("pk"),
            status=NightVisitRequest.Status.PENDING,
            officer__in=_remit_officers(user, current=True),
        )
        .exclude(officer=user)
        .select_related("officer", "station")
        .order_by("date", "requested_at")
    )


def night_request_in_remit(*, user: User, request: NightVisitRequest) -> bool:
    """Whether the request's officer now holds a beat within the user's remit."""
    return (
        User.objects.filter(pk=request.officer_id)
        .filter(pk__in=_remit_officers(user, current=True))
        .exists()
    )


def night_request_get(*, user: User, pk: int) -> NightVisitRequest:
    request = night_request_list(user=user).filter(pk=pk).prefetch_related("beats__post").first()
    if request is None:
        raise OutOfScope("liaison.nightvisitrequest", str(pk))
    return request


@dataclass
class TakeoverSummary:
    assignment: Any
    predecessor: User | None
    predecessor_until: dt.date | None
    progress: Progress
    overdue: list[LiaisonCard] = field(default_factory=list)
    follow_ups: list[Visit] = field(default_factory=list)
    notes: list[Visit] = field(default_factory=list)
    confirmation: Takeover | None = None


TAKEOVER_LIST_LIMIT = 50


def takeover_summary(*, assignment, today: dt.date | None = None) -> TakeoverSummary:
    """What the predecessor on this beat did (要領 第5-5): the beat's coverage and overdue
    cards now, its open follow-ups, and the concerns heard on his last visits."""
    from accounts.models import BeatAssignment

    today = today or timezone.localdate()
    beat = assignment.beat
    previous = (
        BeatAssignment.objects.filter(beat=beat, starts_on__lte=assignment.starts_on)
        .exclude(pk=assignment.pk)
        .exclude(officer_id=assignment.officer_id)
        .select_related("officer")
        .order_by("-starts_on", "-pk")
        .first()
    )
    rule = station_due_rule(station=beat.post.station, today=today)
    cards = LiaisonCard.objects.filter(book_id=beat.pk)
    figures = card_due_counts(cards=cards, rule=rule)
    visits = Visit.objects.filter(book_id=beat.pk)
    progress = _progress(figures, {"follow_ups_open": 0})
    open_follow_ups = list(
        visits.filter(follow_up_done_at__isnull=True)
        .exclude(follow_up_department="")
        .select_related("card", "officer")
        .order_by("started_at")[:TAKEOVER_LIST_LIMIT]
    )
    progress.follow_ups_open = (
        visits.filter(follow_up_done_at__isnull=True).exclude(follow_up_department="").count()
    )
    notes = []
    if previous is not None:
        notes = list(
            visits.filter(officer_id=previous.officer_id)
            .exclude(concerns="")
            .select_related("card")
            .order_by("-started_at")[:TAKEOVER_LIST_LIMIT]
        )
    overdue = list(
        cards_due(cards=cards, rule=rule, overdue_only=True).order_by(
            F("last_visit_on").asc(nulls_first=True), "address_key", "pk"
        )[:TAKEOVER_LIST_LIMIT]
    )
    return TakeoverSummary(
        assignment=assignment,
        predecessor=previous.officer if previous else None,
        predecessor_until=previous.ends_on if previous else None,
        progress=progress,
        overdue=overdue,
        follow_ups=open_follow_ups,
        notes=notes,
        confirmation=Takeover.objects.filter(assignment=assignment).first(),
    )


def takeover_assignment_get(*, user: User, pk: int):
    """A beat assignment whose takeover the user may read, else a 404: a current one (granted,
    not ended), and either his own on a beat he still holds, or one of a beat he supervises or
    reviews and whose cards he reads (its post's 取扱責任者, the station's 地域課長等・署長, not
    the 地域部長). An ended assignment opens nothing: the page lists the beat's residents."""
    from accounts.models import BeatAssignment

    assignment = (
        BeatAssignment.objects.select_related("beat__post__station", "officer")
        .filter(pk=pk, granted_at__isnull=False, revoked_at__isnull=True)
        .first()
    )
    if assignment is None:
        raise OutOfScope("accounts.beatassignment", str(pk))
    beat = assignment.beat
    own = assignment.officer_id == user.pk and permissions.has_perm(user, "record_visits", beat)
    # A reviewer of the station reads the takeovers of the beats within his remit only.
    if own or (
        permissions.has_perm(user, "supervise_post", beat.post)
        or (
            permissions.has_perm(user, "review_progress", beat.post.station)
            and permissions.has_perm(user, "view_beat_cards", beat)
        )
    ):
        return assignment
    raise OutOfScope("accounts.beatassignment", str(pk))


def takeovers_for(*, user: User) -> list:
    """Takeovers to read: the user's current beat assignments, and those of the beats he
    supervises or reviews, each with its confirmation (or None), newest first."""
    from accounts.models import BeatAssignment

    posts = permissions.objects_for(user, "supervise_post", Post).values("pk")
    stations = _reviewed_with_cards(user).values("pk")
    remit = permissions.remit_beats(user).values("pk")
    return list(
        BeatAssignment.objects.filter(granted_at__isnull=False, revoked_at__isnull=True)
        .filter(
            Q(officer=user)
            | Q(beat__post__in=posts)
            | Q(beat__post__station__in=stations, beat__in=remit)
        )
        .select_related("beat__post__station", "officer", "takeover")
        .order_by("-starts_on", "pk")
    )


def station_instruction_list(*, station: Station) -> QuerySet[StationInstruction]:
    """The station's 署長指示, the newest period first, with the cards they name (their
    number, book and address only)."""
    return (
        StationInstruction.objects.filter(station=station)
        .select_related("issued_by", "ended_by")
        .prefetch_related(
            Prefetch(
                "cards",
                queryset=LiaisonCard.objects.only(
                    "pk", "book_id", "town", "banchi", "building", "room"
                ).order_by("pk"),
            )
        )
        .order_by("-starts_on", "-pk")
    )


def station_instruction_get(*, user: User, pk: int) -> StationInstruction:
    """An instruction of a station whose progress the user reviews, else a 404."""
    instruction = (
        StationInstruction.objects.filter(
            pk=pk, station__in=review_stations(user=user).values("pk")
        )
        .select_related("station", "issued_by")
        .first()
    )
    if instruction is None:
        raise OutOfScope("liaison.stationinstruction", str(pk))
    return instruction


def dedicated_days(*, station: Station, month: dt.date) -> QuerySet[DedicatedDay]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return (
        DedicatedDay.objects.filter(station=station, date__gte=start, date__lt=end)
        .select_related("officer", "set_by")
        .order_by("date", "officer__employee_number")
    )


def station_officers(*, station: Station, user: User | None = None) -> list[User]:
    """The beat officers currently assigned in the station; given the user, those on the
    beats of his remit (a 地域課長等 of one 地域課: its posts' officers)."""
    from accounts.models import BeatAssignment

    assignments = BeatAssignment.objects.filter(
        beat__post__station=station, granted_at__isnull=False, revoked_at__isnull=True
    )
    if user is not None:
        assignments = assignments.filter(
            beat__in=permissions.remit_beats(user, station).values("pk")
        )
    ids = assignments.values("officer_id")
    return list(User.objects.filter(pk__in=ids).order_by("employee_number"))


def officer_figures(
    *, officer: User, station: Station, start: dt.date, end: dt.date
) -> tuple[Progress, list[tuple[dt.date, int, int]]]:
    """評価の参考: an officer's visits over a period (total, night, dedicated, follow-ups
    opened) and per month."""
    lo, hi = period_bounds(start, end)
    visits = Visit.objects.filter(officer=officer, station=station)
    totals = _visit_figures(visits, lo, hi, group=None)
    progress = _progress(None, totals)
    months = (
        visits.filter(started_at__gte=lo, started_at__lt=hi)
        .annotate(month=TruncMonth("started_at"))
        .order_by("month")
        .values("month")
        .annotate(visits=Count("pk"), met=Count("pk", filter=Q(outcome=VisitOutcome.MET)))
    )
    rows = []
    for row in months:
        month = row["month"]
        # TruncMonth gives Tokyo midnight (the current time zone); its date is Tokyo's.
        key = dates.local_date(month)
        rows.append((key.replace(day=1), row["visits"], row["met"]))
    return progress, rows


# The access log's clock and the grant's are read a moment apart (the grant is saved first).
BREAK_GLASS_SLACK = dt.timedelta(minutes=1)


def break_glass_reasons(*, card: LiaisonCard, events) -> dict[int, BreakGlassAccess]:
    """The break-the-glass grant behind each flagged access event of this card: same user,
    granted_at <= occurred_at <= expires_at (a minute's slack). One query for them all."""
    flagged = [e for e in events if e.break_glass and e.user_id is not None]
    if not flagged:
        return {}
    earliest = min(e.occurred_at for e in flagged)
    latest = max(e.occurred_at for e in flagged)
    grants = list(
        BreakGlassAccess.objects.filter(
            card=card,
            user_id__in={e.user_id for e in flagged},
            granted_at__lte=latest + BREAK_GLASS_SLACK,
            expires_at__gte=earliest - BREAK_GLASS_SLACK,
        ).order_by("-granted_at")
    )
    found: dict[int, BreakGlassAccess] = {}
    for event in flagged:
        for grant in grants:  # newest first: the grant in force at the time
            if (
                grant.user_id == event.user_id
                and grant.granted_at - BREAK_GLASS_SLACK
                <= event.occurred_at
                <= grant.expires_at + BREAK_GLASS_SLACK
            ):
                found[event.pk] = grant
                break
    return found
