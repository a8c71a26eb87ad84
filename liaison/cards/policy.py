"""What a card allows in which state, and who may do it: the life-cycle table (action ->
from status -> to status), the permission each action needs on the card's book (its beat)
or station, and `card_actions`, that table ∩ what the user holds. The buttons (the card
page's context), the views (`card_check`) and the services (`_transition`) all ask here, so
they never drift apart. Whether a user holds a permission on an object is
accounts.permissions' question.
"""

from __future__ import annotations

from typing import Any

from accounts import permissions
from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import Beat, Station, User
from liaison.cards.models import CardStatus, LiaisonCard

# action -> {from status: to status}. Anything else is refused with both states named.
TRANSITIONS: dict[str, dict[str, str]] = {
    "edit": {CardStatus.DRAFT: CardStatus.DRAFT},
    "submit": {CardStatus.DRAFT: CardStatus.SUBMITTED},
    "assign": {CardStatus.SUBMITTED: CardStatus.SUBMITTED},
    "file": {CardStatus.DRAFT: CardStatus.FILED, CardStatus.SUBMITTED: CardStatus.FILED},
    "correct": {CardStatus.FILED: CardStatus.FILED},
    "close": {CardStatus.FILED: CardStatus.CLOSED},
    "move": {CardStatus.FILED: CardStatus.FILED, CardStatus.CLOSED: CardStatus.CLOSED},
}

ACTION_LABELS = {
    "edit": "下書きの編集",
    "submit": "提出",
    "assign": "受持区の指定",
    "file": "編てつ",
    "correct": "補正",
    "close": "廃止",
    "move": "受持区の変更",
}

# A card in its book: each action by status, and the permission it needs on the card's beat.
BOOK_ACTIONS: dict[str, dict[str, str]] = {
    CardStatus.FILED: {
        "view": "view_beat_cards",
        "correct": "change_beat_cards",
        "close": "change_beat_cards",
        "move": "change_beat_cards",
        "print": "print_beat_cards",
        "export": "export_beat_cards",
    },
    CardStatus.CLOSED: {
        "view": "view_beat_cards",
        "move": "change_beat_cards",
        "print": "print_beat_cards",
        "export": "export_beat_cards",
    },
}


def card_actions(user: User, card: LiaisonCard) -> frozenset[str]:
    """What `user` may do with `card` now: the buttons its page offers."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    actions: set[str] = set()
    beat_perms = permissions.perms_on(user, Beat(pk=card.book_id)) if card.book_id else frozenset()
    station_perms = permissions.perms_on(user, Station(pk=card.station_id))
    own = card.created_by_id == user.pk
    if card.status == CardStatus.DRAFT:
        # A draft is its maker's: made by other staff, it goes to the station (submit);
        # made by an officer who writes the book, he files it himself.
        if own:
            actions |= {"view", "edit"}
            if card.book_id and "change_beat_cards" in beat_perms:
                actions.add("file")
            if not card.book_id and "submit_cards" in station_perms:
                actions.add("submit")
    elif card.status == CardStatus.SUBMITTED:
        if own:
            actions.add("view")
        # The 地域課長等 over the beat the card is for (assigned, or proposed by its address:
        # 要領 第3-2(4), each over his own posts); any of the station's when neither is known.
        target = card.book_id or getattr(card, "proposed_book_id", None)
        if "assign_submitted_cards" in station_perms and (
            target is None or "change_beat_cards" in permissions.perms_on(user, Beat(pk=target))
        ):
            actions |= {"view", "assign"}
        if card.book_id and "change_beat_cards" in beat_perms:
            actions |= {"view", "file"}
    else:
        for action, perm in BOOK_ACTIONS.get(card.status, {}).items():
            if perm in beat_perms:
                actions.add(action)
        if "view" not in actions and "break_glass" in station_perms:
            actions.add("break_glass")
        # 管理主任者 and above see who opened, printed or exported the card.
        if "view" in actions and "review_progress" in station_perms:
            actions.add("access_history")
    return frozenset(actions)


def card_check(user: User, card: LiaisonCard, action: str) -> str:
    """The status `action` moves `card` to. A step the card's state does not allow is a
    TransitionError (a message); a step the state allows but the user may not take is a 403."""
    moves = TRANSITIONS[action]
    if card.status not in moves:
        raise TransitionError(
            f"{card.get_status_display()}のカードに「{ACTION_LABELS[action]}」はできません。"
        )
    if action not in card_actions(user, card):
        raise PermissionDenied("このカードに対してこの操作を行う権限がありません。")
    return moves[card.status]


def card_scope(user: User) -> dict[str, Any]:
    """The ids a card list is filtered by, as subqueries: books the user may view, books
    he may write, stations whose submitted cards he assigns. One query when used."""
    return {
        "view_books": permissions.beats_for(user, "view_beat_cards").values("pk"),
        "write_books": permissions.beats_for(user, "change_beat_cards").values("pk"),
        "assign_stations": permissions.stations_for(user, "assign_submitted_cards").values("pk"),
        "export_books": permissions.beats_for(user, "export_beat_cards").values("pk"),
        "glass_stations": permissions.stations_for(user, "break_glass").values("pk"),
    }
