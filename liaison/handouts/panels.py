"""Menu entry of 手交."""

from accounts.navigation import NavEntry, register_nav
from liaison.books.policy import has_books


def register() -> None:
    register_nav(NavEntry("カードの手交", "liaison:handout_list", has_books, order=31))
