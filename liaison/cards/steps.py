"""What every page of one card shares (cards, filing, visits): the card as the user may see
it (404 otherwise) with the step checked against the card policy, the way back to the card
with the reason when a step is refused, the access event of a card page, and its title.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.exceptions import DomainError, TransitionError
from accounts.models import AccessEvent, User
from liaison.cards import selectors as cards_selectors
from liaison.cards import services as cards_services
from liaison.cards.models import LiaisonCard
from liaison.cards.policy import card_check
from liaison.filing.forms import VersionForm

CardView = Callable[..., HttpResponse]


def card_step(action: str | Callable[[LiaisonCard], str]) -> Callable[[CardView], CardView]:
    """A view of one step on one card: it receives the card instead of its id, only when the
    policy allows `action` (or the action `action(card)` names) in the card's state; when it
    does not, the user is back on the card page with the reason."""

    def decorator(view: CardView) -> CardView:
        @wraps(view)
        def wrapped(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
            card = cards_selectors.card_get(user=request.user, pk=pk)
            step = action(card) if callable(action) else action
            try:
                card_check(request.user, card, step)
            except TransitionError as exc:
                return back_to_card(request, card, exc)
            return view(request, card, *args, **kwargs)

        return wrapped

    return decorator


def back_to_card(
    request: HttpRequest, card: LiaisonCard, exc: DomainError | ValidationError
) -> HttpResponse:
    """A refused step on a button of the card page: say why there, and go back."""
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, exc.message)
    return redirect("liaison:card_detail", pk=card.pk)


def card_view_record(user: User, card: LiaisonCard, summary: str, *, glass: bool = False) -> None:
    """The access event of a card page that shows its contents."""
    cards_services.card_record_access(
        actor=user, card=card, action=AccessEvent.Action.VIEW, summary=summary, break_glass=glass
    )


def posted_version(request: HttpRequest) -> int | None:
    """The card version the page was opened at (for the stale-save check), if posted."""
    form = VersionForm(request.POST)
    return form.cleaned_data.get("version") if form.is_valid() else None


def card_title(card: LiaisonCard) -> str:
    return f"{card.get_kind_display()}「{card.head_name or '（名前未記入）'}」"


def card_done(request: HttpRequest, card: LiaisonCard, verb: str) -> HttpResponse:
    """Back on the card with 「…を<verb>しました。」."""
    messages.success(request, f"{card_title(card)}を{verb}しました。")
    return redirect("liaison:card_detail", pk=card.pk)
