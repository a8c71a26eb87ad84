"""Reads of 署長指示: a station's instructions and one instruction."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.exceptions import OutOfScope
from accounts.models import Station, User
from liaison.cards.models import (
    LiaisonCard,
)
from liaison.instructions.models import StationInstruction
from liaison.progress.selectors import review_stations


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
