"""Who has books (the menu and the card search) and who prints a blank card (手交): anyone who holds a card role. Printing a filled card and
exporting a book are the card's actions (liaison.cards.policy: "print", "export")."""

from __future__ import annotations

from accounts import permissions
from accounts.models import Beat, User


def has_books(user: User) -> bool:
    """Whether the user may view the cards of some book (the menu, the card search)."""
    return permissions.holds_anywhere(user, "view_beat_cards", Beat)


def blank_card_may_print(user: User) -> bool:
    """Anyone who holds a card role: a book to work in, or cards to make and submit."""
    return has_books(user) or permissions.may_submit_cards(user)
