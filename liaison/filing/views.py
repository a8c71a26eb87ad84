"""A card's way through the books: submit, assign a beat, file, close, move, and the list of
submitted cards and drafts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import permissions
from accounts.exceptions import StaleEditError, TransitionError
from accounts.models import AccessEvent
from accounts.services import access_event_record
from accounts.utils.http import GET_ONLY, GET_POST, POST_ONLY, Attempt, page_number
from liaison.areas import selectors as area_selectors
from liaison.cards.models import LiaisonCard
from liaison.cards.steps import (
    back_to_card,
    card_done,
    card_step,
    card_title,
    card_view_record,
    posted_version,
)
from liaison.filing import selectors as filing_selectors
from liaison.filing import services as filing_services
from liaison.filing.filters import SubmittedFilterSet
from liaison.filing.forms import AssignForm, CloseForm, MoveForm

SUBMITTED_PER_PAGE = 25


# --- Life-cycle steps -------------------------------------------------------------------------
@POST_ONLY
@login_required
@card_step("submit")
def card_submit(request: HttpRequest, card: LiaisonCard) -> HttpResponse:
    try:
        card = filing_services.card_submit(
            actor=request.user, card=card, version=posted_version(request)
        )
    except (TransitionError, StaleEditError, ValidationError) as exc:
        return back_to_card(request, card, exc)
    messages.success(
        request, f"{card_title(card)}を提出しました。地域課長等が受持区を指定し、編てつします。"
    )
    return redirect("liaison:card_detail", pk=card.pk)


@POST_ONLY
@login_required
@card_step("file")
def card_file(request: HttpRequest, card: LiaisonCard) -> HttpResponse:
    try:
        card = filing_services.card_file(
            actor=request.user, card=card, version=posted_version(request)
        )
    except (TransitionError, StaleEditError, ValidationError) as exc:
        return back_to_card(request, card, exc)
    return card_done(request, card, f"{card.book.beat}の巡回連絡簿に編てつ")


def _step_page(request, card, template: str, form, here: str, **extra):
    return render(
        request,
        template,
        {
            "card": card,
            "book": card.book,
            "card_title": card_title(card),
            "form": form,
            "here": here,
            **extra,
        },
    )


@GET_POST
@login_required
@card_step("assign")
def card_assign(request: HttpRequest, card: LiaisonCard) -> HttpResponse:
    """The 地域課長等 names the beat whose officer files a submitted card (第6-2(3)ウ)."""
    # The one the address lies in comes preselected.
    books = filing_selectors.assign_book_list(user=request.user, card=card)
    proposal = area_selectors.beat_for_address(
        station_id=card.station_id, town=card.town, banchi=card.banchi
    )
    if proposal is not None and not any(b.pk == proposal.beat.pk for b in books):
        proposal = None
    initial = {"book": card.book_id or (proposal.beat.pk if proposal else None)}
    form = AssignForm(request.POST or None, books=books, initial=initial)
    if request.method == "GET":
        card_view_record(request.user, card, "受持区の指定画面")
    elif form.is_valid():
        with Attempt(form) as attempt:
            card = filing_services.card_assign(
                actor=request.user, card=card, book=form.cleaned_data["book"]
            )
        if attempt.ok:
            messages.success(
                request,
                f"{card_title(card)}の受持区を{card.book.beat}に指定しました。"
                "受持警察官に編てつを依頼しました。",
            )
            return redirect("liaison:card_detail", pk=card.pk)
    return _step_page(
        request, card, "liaison/filing/assign.html", form, "受持区の指定", proposal=proposal
    )


@GET_POST
@login_required
@card_step("close")
def card_close(request: HttpRequest, card: LiaisonCard) -> HttpResponse:
    """転出・廃業: the card is closed with reason and date, never deleted."""
    form = CloseForm(request.POST or None, initial={"version": card.version})
    if request.method == "GET":
        card_view_record(request.user, card, "廃止の確認画面")
    elif form.is_valid():
        with Attempt(form) as attempt:
            card = filing_services.card_close(
                actor=request.user,
                card=card,
                version=form.cleaned_data.get("version"),
                reason=form.cleaned_data["reason"],
                closed_on=form.cleaned_data["closed_on"],
                note=form.cleaned_data["note"],
            )
        if attempt.ok:
            return card_done(request, card, "廃止")
        if isinstance(attempt.error, StaleEditError):
            # Someone saved the card meanwhile: back to it, to read what changed.
            return back_to_card(request, card, attempt.error)
    return _step_page(request, card, "liaison/filing/close.html", form, "廃止")


@GET_POST
@login_required
@card_step("move")
def card_move(request: HttpRequest, card: LiaisonCard) -> HttpResponse:
    """A boundary change: the card (and an apartment's units) goes to another beat's book."""
    books = filing_selectors.move_book_list(user=request.user, card=card)
    form = MoveForm(request.POST or None, books=books, initial={"version": card.version})
    if request.method == "GET":
        card_view_record(request.user, card, "受持区の変更画面")
    elif form.is_valid():
        with Attempt(form) as attempt:
            card = filing_services.card_move(
                actor=request.user,
                card=card,
                book=form.cleaned_data["book"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data.get("version"),
            )
        if attempt.ok:
            messages.success(
                request, f"{card_title(card)}を{form.cleaned_data['book'].beat}に移しました。"
            )
            return redirect("liaison:card_detail", pk=card.pk)
        if isinstance(attempt.error, StaleEditError):
            # Someone saved the card meanwhile: back to it, to read what changed.
            return back_to_card(request, card, attempt.error)
    return _step_page(request, card, "liaison/filing/move.html", form, "受持区の変更")


# --- Cards waiting to be filed ----------------------------------------------------------------
@GET_ONLY
@login_required
def submitted_list(request: HttpRequest) -> HttpResponse:
    """The 地域課長等's queue (cards to assign), the beat officer's (assigned cards to file),
    and a staff member's own drafts and submitted cards."""
    stale_before = filing_selectors.draft_stale_before()
    filterset = SubmittedFilterSet(
        request.GET,
        queryset=filing_selectors.submitted_card_list(user=request.user),
        stale_before=stale_before,
    )
    query, state = filterset.values["q"], filterset.values["state"]
    page = Paginator(filterset.qs, SUBMITTED_PER_PAGE).get_page(page_number(request))
    # Which fields were searched and how many came back; never the words themselves.
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.SEARCH if query else AccessEvent.Action.LIST,
        object_type="liaison.liaisoncard",
        summary=f"提出・下書きのカード{'（氏名・電話番号で検索）' if query else ''} "
        f"{page.paginator.count}件（{page.number}ページ目）",
    )
    user = request.user
    return render(
        request,
        "liaison/filing/submitted_list.html",
        {
            "page": page,
            "filterset": filterset,
            "query": query,
            "state": state,
            "here": "提出・下書きのカード",
            "is_list": True,
            "stale_before": stale_before,
            "stale_days": settings.CARD_DRAFT_STALE_DAYS,
            "keeps_queue": permissions.stations_for(user, "assign_submitted_cards").exists(),
            "files_cards": permissions.beats_for(user, "change_beat_cards").exists(),
            "submits_cards": permissions.may_submit_cards(user),
        },
    )
