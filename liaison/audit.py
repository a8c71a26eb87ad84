"""What the HQ audit (accounts.audit) may know of liaison objects: ids and labels, never
contents; and, for the change history, whose card role lets him see the values of a change.
Registered from LiaisonConfig.ready()."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts import permissions
from accounts.audit.registry import AuditedKind, HistorySource, register_history, register_kind
from accounts.inputs import parse_ids
from accounts.utils import dates
from liaison.areas.models import BeatArea
from liaison.books.selectors import search_filter
from liaison.cards.history import CARD_HIDDEN, MEMBER_HIDDEN, VEHICLE_HIDDEN
from liaison.cards.models import CardMember, CardVehicle, LiaisonCard
from liaison.cards.selectors import card_list
from liaison.guidance.models import OfficerNote
from liaison.handouts.models import CardHandout
from liaison.instructions.models import StationInstruction
from liaison.night.models import NightVisitRequest
from liaison.planning.models import MonthlyPlan, VisitPolicy
from liaison.visits.models import Visit

from . import text

CARD = "liaison.liaisoncard"
BOOK = "liaison.liaisonbook"
VISIT = "liaison.visit"
NAME_MATCH_LIMIT = 200  # a name matching more households than this is too vague to audit by


def _ints(ids: list[str]) -> list[int]:
    # An event holds whatever id was asked for; only those a database can hold are looked up.
    return parse_ids(ids)


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


# --- Change history (accounts.audit.history) ---------------------------------------------

# A visit's card is fixed; its book and station follow the card (bookkeeping, not input).
VISIT_HIDDEN = frozenset({"card", "book", "station", "recorded_at"})


def _visible_cards(user) -> QuerySet:
    """The ids of the user's card list as a subquery, built once per request: a page asks
    for each of its sources, and building card_list costs more than running it."""
    cache = user.__dict__
    if "_audit_visible_cards" not in cache:
        cache["_audit_visible_cards"] = card_list(user=user).values("pk")
    return cache["_audit_visible_cards"]


def card_values_visible(user, ids: list[int]) -> set[int]:
    """The cards whose values this user may see: those in his card list (a card role)."""
    rows = LiaisonCard.objects.filter(pk__in=ids).filter(pk__in=_visible_cards(user))
    return set(rows.values_list("pk", flat=True))


def _values_visible_by_card(model):
    """For a card's part (member, vehicle, visit): visible when its card is. Read from the
    history table, so that a removed member still has its card; one query."""

    def visible(user, ids: list[int]) -> set[int]:
        rows = (
            model.history.filter(id__in=ids, card_id__in=_visible_cards(user))
            .order_by()
            .values_list("id", flat=True)
            .distinct()
        )
        return set(rows)

    return visible


def _owner_card(model):
    def owner_of(ids: list[int]) -> dict[int, tuple[str, str]]:
        rows = model.history.filter(id__in=ids).order_by().values_list("id", "card_id").distinct()
        return {pk: (CARD, str(card_id)) for pk, card_id in rows}

    return owner_of


def _everyone_sees(user, ids: list[int]) -> set[int]:
    """Night-visit requests, the visit policy and monthly plans hold no resident's data:
    auditors see the values."""
    return set(ids)


def register_history_sources() -> None:
    register_history(
        HistorySource(
            key="card",
            label="巡回連絡カード",
            model=LiaisonCard,
            object_type=CARD,
            values_visible=card_values_visible,
            hidden_fields=CARD_HIDDEN,
            formats={"postal_code": text.postal_display},
        )
    )
    # Every model with a history is listed in the audit (its pages are in Japanese too:
    # tests/accounts/audit/test_history_in_japanese.py renders each one).
    for key, label, model, hidden, formats in (
        ("night_request", "夜間巡回連絡の承認申請", NightVisitRequest, frozenset(), {}),
        ("visit_policy", "巡回連絡の実施頻度", VisitPolicy, frozenset(), {}),
        (
            "monthly_plan",
            "巡回連絡の月間計画",
            MonthlyPlan,
            frozenset({"updated_at"}),
            {"month": dates.month_ja},
        ),
        (
            "station_instruction",
            "署長指示",
            StationInstruction,
            frozenset(),
            {"areas": lambda areas: "・".join(areas or []) or "（なし）"},
        ),
    ):
        register_history(
            HistorySource(
                key=key,
                label=label,
                model=model,
                object_type=model._meta.label_lower,
                values_visible=_everyone_sees,
                hidden_fields=hidden,
                formats=formats,
            )
        )
    for key, label, model, hidden in (
        ("member", "世帯員", CardMember, MEMBER_HIDDEN),
        ("vehicle", "車両", CardVehicle, VEHICLE_HIDDEN),
        ("visit", "巡回連絡の記録", Visit, VISIT_HIDDEN),
    ):
        register_history(
            HistorySource(
                key=key,
                label=label,
                model=model,
                object_type=model._meta.label_lower,
                values_visible=_values_visible_by_card(model),
                owner_of=_owner_card(model),
                hidden_fields=hidden,
            )
        )


def handout_values_visible(user, ids: list[int]) -> set[int]:
    """A handout holds an address: its values for those who see its beat's book."""
    rows = CardHandout.history.filter(
        id__in=ids, book_id__in=permissions.beats_for(user).values("pk")
    )
    return set(rows.order_by().values_list("id", flat=True).distinct())


def note_values_visible(user, ids: list[int]) -> set[int]:
    """A guidance or evaluation note: its values for its officer and the reviewers of its
    station (not a resident's data, but a person's evaluation)."""
    stations = permissions.stations_for(user, "review_progress").values("pk")
    rows = OfficerNote.history.filter(id__in=ids).filter(
        Q(officer_id=user.pk) | Q(station_id__in=stations)
    )
    return set(rows.order_by().values_list("id", flat=True).distinct())


def register_issue10_sources() -> None:
    """手交 and 指導・評価 (issue 10): who recorded, collected or gave up a handed card, and
    who wrote which guidance or evaluation, are in the audit's change history."""
    register_history(
        HistorySource(
            key="handout",
            label="カードの手交",
            model=CardHandout,
            object_type="liaison.cardhandout",
            values_visible=handout_values_visible,
            hidden_fields=frozenset({"station", "created_at"}),
        )
    )
    register_history(
        HistorySource(
            key="officer_note",
            label="指導・評価の記録",
            model=OfficerNote,
            object_type="liaison.officernote",
            values_visible=note_values_visible,
            hidden_fields=frozenset({"written_at"}),
        )
    )
    register_history(
        HistorySource(
            key="beat_area",
            label="受持区の区域",
            model=BeatArea,
            object_type="liaison.beatarea",
            # Towns and 丁目 of a beat: no one's personal data.
            values_visible=_everyone_sees,
            hidden_fields=frozenset({"town_key", "set_at"}),
        )
    )


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
    register_history_sources()
    register_issue10_sources()
