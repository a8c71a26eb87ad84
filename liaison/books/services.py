"""Books: every beat gets its book, and an export of a book's cards is logged."""

from __future__ import annotations

from accounts.models import AccessEvent, Beat, Station, User
from accounts.services import access_event_record
from liaison.cards.models import (
    LiaisonBook,
)


# --- Books -------------------------------------------------------------------------------
def book_ensure(*, beat: Beat) -> LiaisonBook:
    """Every beat has its book (要領 第6-2(3)ア); made with the beat, or here if missing."""
    book, _ = LiaisonBook.objects.get_or_create(beat=beat)
    return book


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
