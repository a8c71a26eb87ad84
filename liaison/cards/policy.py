"""What a card allows in which state, and who may do it: the life-cycle table (action ->
from status -> to status), the rules of each action by status (RULES: the permissions it
needs on the card's book, its station or the beat it is for, and whether only its maker
may), and `card_actions`, those rules ∩ what the user holds. The buttons (the card page's
context), the views (`card_check`) and the services (`_transition`) all ask here, so they
never drift apart. Whether a user holds a permission on an object is accounts.permissions'
question.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Rule:
    """One way to be allowed an action: the permissions it needs, each on the card's book
    ("beat"), its station, or the beat it is for ("target": assigned, or proposed by its
    address; needed only when one is known); and whether only the card's maker may, and
    whether the card must have a book (True) or must not (False)."""

    needs: tuple[tuple[str, str], ...] = ()
    own: bool = False
    book: bool | None = None


# Each status: each action and the rules that allow it (any one will do).
RULES: dict[str, dict[str, tuple[Rule, ...]]] = {
    # A draft is its maker's: made by other staff, it goes to the station (submit); made by
    # an officer who writes the book, he files it himself.
    CardStatus.DRAFT: {
        "view": (Rule(own=True),),
        "edit": (Rule(own=True),),
        "file": (Rule(own=True, book=True, needs=(("beat", "change_beat_cards"),)),),
        "submit": (Rule(own=True, book=False, needs=(("station", "submit_cards"),)),),
    },
    # The 地域課長等 over the beat the card is for assigns it (要領 第3-2(4), each over his own
    # posts; any of the station's when no beat is known); that beat's officers file it.
    CardStatus.SUBMITTED: {
        "assign": (
            Rule(needs=(("station", "assign_submitted_cards"), ("target", "change_beat_cards"))),
        ),
        "file": (Rule(book=True, needs=(("beat", "change_beat_cards"),)),),
    },
    CardStatus.FILED: {
        "view": (Rule(needs=(("beat", "view_beat_cards"),)),),
        "correct": (Rule(needs=(("beat", "change_beat_cards"),)),),
        "close": (Rule(needs=(("beat", "change_beat_cards"),)),),
        "move": (Rule(needs=(("beat", "change_beat_cards"),)),),
        "print": (Rule(needs=(("beat", "print_beat_cards"),)),),
        "export": (Rule(needs=(("beat", "export_beat_cards"),)),),
    },
    CardStatus.CLOSED: {
        "view": (Rule(needs=(("beat", "view_beat_cards"),)),),
        "move": (Rule(needs=(("beat", "change_beat_cards"),)),),
        "print": (Rule(needs=(("beat", "print_beat_cards"),)),),
        "export": (Rule(needs=(("beat", "export_beat_cards"),)),),
    },
}


def card_actions(user: User, card: LiaisonCard) -> frozenset[str]:
    """What `user` may do with `card` now (RULES ∩ what he holds): the buttons its page offers."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    held: dict[str, frozenset[str]] = {
        "beat": permissions.perms_on(user, Beat(pk=card.book_id)) if card.book_id else frozenset(),
        "station": permissions.perms_on(user, Station(pk=card.station_id)),
    }
    target = card.book_id or getattr(card, "proposed_book_id", None)
    own = card.created_by_id == user.pk

    def perms(scope: str) -> frozenset[str] | None:
        if scope == "target":
            if target is None:
                return None  # no beat known: the station's permission decides alone
            if "target" not in held:
                held["target"] = permissions.perms_on(user, Beat(pk=target))
        return held[scope]

    def allows(rule: Rule) -> bool:
        if (rule.own and not own) or (rule.book is not None and rule.book != bool(card.book_id)):
            return False
        for scope, perm in rule.needs:
            scope_perms = perms(scope)
            if scope_perms is not None and perm not in scope_perms:
                return False
        return True

    actions = {
        action
        for action, rules in RULES.get(card.status, {}).items()
        if any(allows(rule) for rule in rules)
    }
    # Whoever may act on a submitted card may open it, and its maker may still read it.
    if card.status == CardStatus.SUBMITTED and (own or actions):
        actions.add("view")
    if card.status in (CardStatus.FILED, CardStatus.CLOSED):
        if "view" not in actions and "break_glass" in held["station"]:
            actions.add("break_glass")
        # 管理主任者 and above see who opened, printed or exported the card.
        if "view" in actions and "review_progress" in held["station"]:
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


# What each part of a card list's scope is: the model's ids the user holds a permission on.
_SCOPES: dict[str, tuple[str, str]] = {
    "view_books": ("beats", "view_beat_cards"),
    "write_books": ("beats", "change_beat_cards"),
    "assign_stations": ("stations", "assign_submitted_cards"),
    "export_books": ("beats", "export_beat_cards"),
    "glass_stations": ("stations", "break_glass"),
}


class CardScope(dict[str, Any]):
    """The ids a card list is filtered by (books the user may view, books he may write,
    stations whose submitted cards he assigns …), as lists read from the user's grants
    (accounts.permissions.object_ids: cached under his grants stamp, so never past a grant's
    end): the planner sees the values, and no permission subquery is built per request."""

    def __init__(self, user: User) -> None:
        super().__init__()
        self.user = user

    def __missing__(self, key: str) -> Any:
        kind, perm = _SCOPES[key]
        self[key] = permissions.object_ids(self.user, perm, Beat if kind == "beats" else Station)
        return self[key]


def card_scope(user: User) -> CardScope:
    return CardScope(user)
