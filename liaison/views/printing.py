"""印刷: the blank 巡回連絡カード to hand to residents, and a filled card as a PDF.

A filled card leaves the system only as the exception: its print is an AccessEvent, every
page carries who printed it and when, and the response is never cached.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import AccessEvent
from liaison import printing
from liaison.cards import selectors, services
from liaison.cards.models import CardKind

from ._common import GET_ONLY


def _may_use_cards(user) -> bool:
    """Anyone who holds a card role: a book to work in, or cards to make and submit."""
    return permissions.beats_for(user).exists() or permissions.may_submit_cards(user)


@GET_ONLY
@login_required
def blank_card_print(request: HttpRequest) -> HttpResponse:
    # No personal data on it, so no access event: the blank form is not a read of a card.
    if not _may_use_cards(request.user):
        raise PermissionDenied("巡回連絡カードを扱う役職の職員のみが印刷できます。")
    kind = request.GET.get("kind", CardKind.HOUSEHOLD)
    if kind not in printing.BLANK_KINDS:
        kind = CardKind.HOUSEHOLD
    pdf = printing.render_pdf(
        "liaison/print/blank.html",
        printing.blank_context(kind=kind, station=permissions.home_station(request.user)),
    )
    return printing.pdf_response(
        pdf,
        filename=f"巡回連絡カード_{printing.BLANK_KINDS[kind]}.pdf",
        fallback=f"liaison-card-blank-{kind}.pdf",
    )


@GET_ONLY
@login_required
def card_print(request: HttpRequest, pk: int) -> HttpResponse:
    card = selectors.card_get(user=request.user, pk=pk)
    # A break-the-glass viewer sees the card for a while; he may not take it away on paper.
    if "print" not in permissions.card_actions(request.user, card):
        raise PermissionDenied("このカードを印刷する権限がありません。")
    now = timezone.now()
    pdf = printing.render_pdf(
        "liaison/print/card.html",
        printing.card_context(
            card=card,
            members=selectors.card_members(card=card),
            vehicles=selectors.card_vehicles(card=card),
            printed_by=request.user,
            printed_at=now,
        ),
    )
    # Logged once the PDF exists: a print that failed to render took nothing away.
    services.card_record_access(
        actor=request.user, card=card, action=AccessEvent.Action.PRINT, summary="カードの印刷"
    )
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    return printing.pdf_response(
        pdf,
        filename=f"巡回連絡カード_{card.pk}_{stamp}.pdf",
        fallback=f"liaison-card-{card.pk}-{stamp}.pdf",
    )
