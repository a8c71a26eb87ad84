"""Menu entries of the books: the list of books and the card search."""

from accounts.navigation import NavEntry, register_nav
from liaison.books.policy import has_books


def register() -> None:
    register_nav(NavEntry("巡回連絡簿", "liaison:book_list", has_books, order=20))
    register_nav(NavEntry("カード検索", "liaison:card_search", has_books, order=21))
