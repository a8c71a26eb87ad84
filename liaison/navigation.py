"""Menu entries and home panels of 巡回連絡, registered with accounts.navigation."""

from __future__ import annotations

from accounts import permissions
from accounts.models import Beat, Station
from accounts.navigation import NavEntry, register_nav


def _has_books(user) -> bool:
    return permissions.holds_anywhere(user, "view_beat_cards", Beat)


def _keeps_submitted(user) -> bool:
    return (
        permissions.may_submit_cards(user)
        or permissions.holds_anywhere(user, "assign_submitted_cards", Station)
        or permissions.holds_anywhere(user, "change_beat_cards", Beat)
    )


def _may_break_glass(user) -> bool:
    return permissions.holds_anywhere(user, "break_glass", Station)


def register() -> None:
    register_nav(NavEntry("巡回連絡簿", "liaison:book_list", _has_books, order=20))
    register_nav(NavEntry("カード検索", "liaison:card_search", _has_books, order=21))
    register_nav(NavEntry("提出・下書きのカード", "liaison:submitted_list", _keeps_submitted, 22))
    register_nav(NavEntry("緊急閲覧", "liaison:break_glass", _may_break_glass, order=29))
