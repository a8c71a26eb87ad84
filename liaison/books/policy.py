"""Who prints a blank card (手交): anyone who holds a card role. Printing a filled card and
exporting a book are the card's actions (liaison.cards.policy: "print", "export")."""

from __future__ import annotations

from accounts import permissions
from accounts.models import User


def blank_card_may_print(user: User) -> bool:
    """Anyone who holds a card role: a book to work in, or cards to make and submit."""
    return permissions.beats_for(user).exists() or permissions.may_submit_cards(user)
