"""What a card allows in which state: the life-cycle table (action -> from status -> to
status) and the labels of its actions."""

from __future__ import annotations

from liaison.cards.models import (
    CardStatus,
)

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
