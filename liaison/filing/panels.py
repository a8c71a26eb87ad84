"""Menu entry of the submitted cards and home panels of cards waiting too long.

要領 第6-2(1)イ: a card made by other staff goes to the 地域課長等 「速やかに」. A draft older
than CARD_DRAFT_STALE_DAYS stands out to its maker and to the 地域課長等 (who and how many
only: a draft stays its maker's to read).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts import permissions
from accounts.models import Beat, Station
from accounts.navigation import HomePanel, NavEntry, register_nav, register_panel
from liaison.filing import selectors


def _makes_drafts(user) -> bool:
    # Questions the menu asks anyway (cached per request): most people pay no query here.
    return permissions.may_submit_cards(user) or permissions.holds_anywhere(
        user, "change_beat_cards", Beat
    )


def _chases(user) -> bool:
    return permissions.holds_anywhere(user, "assign_submitted_cards", Station)


def _by_maker(user) -> list:
    """The 地域課長等's one query: stale drafts in his remit by maker, his own included."""
    cache = user.__dict__
    if "_stale_drafts_by_maker" not in cache:
        cache["_stale_drafts_by_maker"] = (
            selectors.stale_draft_list(user=user) if _chases(user) else []
        )
    return cache["_stale_drafts_by_maker"]


def _mine(user) -> int:
    cache = user.__dict__
    if "_stale_drafts_mine" not in cache:
        if _chases(user):
            # His own drafts lie in the books he writes: already in his one query.
            count = sum(row.count for row in _by_maker(user) if row.maker_id == user.pk)
        elif _makes_drafts(user):
            count = selectors.stale_draft_count(user=user)
        else:
            count = 0
        cache["_stale_drafts_mine"] = count
    return cache["_stale_drafts_mine"]


def has_stale_drafts(user) -> bool:
    return bool(user.is_authenticated and _mine(user))


def stale_drafts_panel(user) -> dict[str, Any]:
    return {"count": _mine(user), "days": settings.CARD_DRAFT_STALE_DAYS}


def _others(user) -> list:
    return [row for row in _by_maker(user) if row.maker_id != user.pk]


def has_stale_drafts_to_chase(user) -> bool:
    return bool(user.is_authenticated and _others(user))


def stale_drafts_chief_panel(user) -> dict[str, Any]:
    rows = _others(user)
    return {
        "rows": rows,
        "total": sum(row.count for row in rows),
        "days": settings.CARD_DRAFT_STALE_DAYS,
    }


# --- Submitted cards waiting for a beat (要領 第6-2(3)ウ) --------------------------------------
WAITING_SHOWN = 5


def _waiting(user) -> list:
    """The 地域課長等's one query: the longest-waiting submitted cards of his queue."""
    cache = user.__dict__
    if "_cards_waiting_for_beat" not in cache:
        cache["_cards_waiting_for_beat"] = (
            list(selectors.waiting_card_list(user=user)[: WAITING_SHOWN + 1])
            if _chases(user)
            else []
        )
    return cache["_cards_waiting_for_beat"]


def has_cards_waiting_for_beat(user) -> bool:
    return bool(user.is_authenticated and _waiting(user))


def cards_waiting_panel(user) -> dict[str, Any]:
    """Card numbers, how long each has waited, who made it and the beat its address
    proposes: no resident's name or address on the home page."""
    today = timezone.localdate()
    rows = []
    for card in _waiting(user)[:WAITING_SHOWN]:
        since = timezone.localdate(card.submitted_at or card.created_at)
        beat = card.proposed_book.beat if card.proposed_book_id else None
        rows.append(
            {
                "card": card,
                "since": since,
                "days": (today - since).days,
                "proposed": f"{beat.post.name} {beat.name}" if beat else "",
            }
        )
    more = len(_waiting(user)) > WAITING_SHOWN
    total = selectors.waiting_card_list(user=user).count() if more else len(rows)
    return {"rows": rows, "more": more, "total": total}


def _keeps_submitted(user) -> bool:
    return (
        permissions.may_submit_cards(user)
        or permissions.holds_anywhere(user, "assign_submitted_cards", Station)
        or permissions.holds_anywhere(user, "change_beat_cards", Beat)
    )


def register_nav_entries() -> None:
    register_nav(NavEntry("提出・下書きのカード", "liaison:submitted_list", _keeps_submitted, 22))


def register() -> None:
    register_panel(
        HomePanel(
            "提出していない下書き",
            "liaison/filing/panels/stale_drafts.html",
            has_stale_drafts,
            stale_drafts_panel,
            order=6,
        )
    )
    register_panel(
        HomePanel(
            "提出されていない下書き",
            "liaison/filing/panels/stale_drafts_chief.html",
            has_stale_drafts_to_chase,
            stale_drafts_chief_panel,
            order=9,
        )
    )
    register_panel(
        HomePanel(
            "受持区の指定を待つカード",
            "liaison/filing/panels/cards_waiting.html",
            has_cards_waiting_for_beat,
            cards_waiting_panel,
            order=6,
        )
    )
