"""Reads of 署長指示: a station's instructions, one instruction, and the lines a page shows
of those it follows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from accounts.exceptions import OutOfScope
from accounts.models import Station, User
from liaison import text
from liaison.cards.models import LiaisonCard
from liaison.instructions.models import StationInstruction
from liaison.planning.selectors import review_station_list

if TYPE_CHECKING:
    from liaison.planning.selectors import DueRule


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
            pk=pk, station__in=review_station_list(user=user).values("pk")
        )
        .select_related("station", "issued_by")
        .first()
    )
    if instruction is None:
        raise OutOfScope("liaison.stationinstruction", str(pk))
    return instruction


def instruction_lines(rule: DueRule | None) -> list[str]:
    """The 署長指示 a page follows, one line each: what, where, until when, why."""
    if rule is None:
        return []
    lines = []
    for instruction in rule.instructions:
        targets = []
        count = len(rule.instruction_cards.get(instruction.pk, []))
        if instruction.areas:
            targets.append("、".join(instruction.areas))
        if count:
            targets.append(f"カード{count}件")
        lines.append(
            f"{instruction.get_action_display()}：{'・'.join(targets)}"
            f"（{text.date_ja(instruction.ends_on)}まで）　理由：{instruction.reason}"
        )
    return lines
