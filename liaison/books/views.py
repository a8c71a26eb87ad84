"""Pages of books: the list of books, a book's cards by its index, search, exports (CSV,
Excel) and printed cards."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import OutOfScope, PermissionDenied
from accounts.models import AccessEvent, Post, Station
from accounts.services import access_event_record
from accounts.utils.exports import csv_response, safe_filename, xlsx_response
from accounts.utils.http import GET_ONLY, page_number
from liaison import text
from liaison.books import exports, printing, selectors, services
from liaison.books.filters import ORDER_LABELS, BookCardFilterSet, BookFilterSet
from liaison.books.forms import CardSearchForm
from liaison.books.policy import blank_card_may_print, has_books
from liaison.cards.models import CardKind, CardStatus, LiaisonBook, LiaisonCard
from liaison.cards.policy import card_actions
from liaison.cards.selectors import card_get, card_member_list, card_vehicle_list
from liaison.cards.services import card_record_access

BOOK_LIST_PAGE_SIZE = 50


BOOK_PAGE_SIZE = 50


SEARCH_PAGE_SIZE = 50


EXPORT_LABELS = {"csv": "CSV", "xlsx": "Excel"}


_KIND_LABELS = dict(CardKind.choices)


_STATUS_LABELS = dict(CardStatus.choices)


_STATUS_BADGES = {
    CardStatus.FILED: "badge--success",
    CardStatus.CLOSED: "badge--neutral",
    CardStatus.SUBMITTED: "badge--info",
    CardStatus.DRAFT: "badge--warning",
}


def _card_row(card: LiaisonCard) -> dict[str, object]:
    """What one row of a card list shows, as plain strings: the template only prints them
    (per-row tags and filters are the largest cost of a long list)."""
    return {
        "url": reverse("liaison:card_detail", kwargs={"pk": card.pk}),
        "address": card.short_address or "（住所未記入）",
        "head_name": card.head_name or "（未記入）",
        "head_kana": card.head_kana,
        "kind": _KIND_LABELS.get(card.kind, card.kind),
        "status": _STATUS_LABELS.get(card.status, card.status),
        "status_badge": _STATUS_BADGES.get(card.status, "badge--neutral"),
    }


def _book_row(card: LiaisonCard) -> dict[str, object]:
    row = _card_row(card)
    row.update(
        members=card.member_count if card.kind == CardKind.HOUSEHOLD else "",
        care="、".join(card.care_points),
        last_visit=text.date_ja(card.last_visit_on) or "未訪問",
        never_visited=card.last_visit_on is None,
        closed_on=text.date_ja(card.closed_on),
        missing="、".join(card.missing),
        missing_count=len(card.missing),
        declined="、".join(card.declined_summary),
        declined_count=len(card.declined_summary),
    )
    return row


# --- 巡回連絡簿の一覧 -----------------------------------------------------------------------
@dataclass
class PostGroup:
    post: Post
    books: list[LiaisonBook] = field(default_factory=list)

    @property
    def card_total(self) -> int:
        return sum(book.card_total for book in self.books)


@dataclass
class StationGroup:
    station: Station
    exportable: bool
    posts: list[PostGroup] = field(default_factory=list)


def _group(books, exportable_books: set[int], exportable_stations: set[int]):
    """The page's books under their station and post (the selector orders them so)."""
    stations: list[StationGroup] = []
    for book in books:
        beat = book.beat
        book.exportable = book.pk in exportable_books
        if not stations or stations[-1].station.pk != beat.post.station_id:
            station = beat.post.station
            stations.append(StationGroup(station, station.pk in exportable_stations))
        posts = stations[-1].posts
        if not posts or posts[-1].post.pk != beat.post_id:
            posts.append(PostGroup(beat.post))
        posts[-1].books.append(book)
    return stations


@GET_ONLY
@login_required
def book_list(request: HttpRequest) -> HttpResponse:
    books = selectors.book_list(user=request.user)
    filterset = BookFilterSet(request.GET, queryset=books)
    page = Paginator(filterset.qs, BOOK_LIST_PAGE_SIZE).get_page(page_number(request))
    book_page = list(page.object_list)
    # Which books and stations this user may export: one query, not one per row.
    exportable = list(
        selectors.export_book_list(user=request.user).values_list("pk", "beat__post__station_id")
    )
    groups = _group(book_page, {pk for pk, _ in exportable}, {station for _, station in exportable})
    query = request.GET.get("q", "").strip()
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.LIST,
        object_type="liaison.liaisonbook",
        summary=f"巡回連絡簿一覧{'（名称で絞り込み）' if query else ''} {page.paginator.count}冊"
        f"（{page.number}ページ目）",
    )
    return render(
        request,
        "liaison/books/book_list.html",
        {"page": page, "groups": groups, "filterset": filterset, "query": query},
    )


# --- 巡回連絡簿 ----------------------------------------------------------------------------
@GET_ONLY
@login_required
def book_detail(request: HttpRequest, pk: int) -> HttpResponse:
    book = selectors.book_get(user=request.user, pk=pk)
    filterset = BookCardFilterSet(request.GET, queryset=selectors.book_card_list(book=book))
    filters = filterset.values
    summary = selectors.book_summary_get(book=book)
    paginator = Paginator(filterset.qs, BOOK_PAGE_SIZE)
    if not filterset.filtered:
        # The unfiltered list is the book's filed cards, which the summary has just counted.
        paginator.count = summary["filed"]
    page = paginator.get_page(page_number(request))
    rows = [_book_row(card) for card in page.object_list]
    beat = book.beat
    count = page.paginator.count
    if filters["q"]:
        # Which fields were searched and how many cards came back; never the words.
        action, what = AccessEvent.Action.SEARCH, "氏名・電話番号で検索"
    else:
        action, what = AccessEvent.Action.LIST, f"巡回連絡簿（{ORDER_LABELS[filters['order']]}）"
    access_event_record(
        user=request.user,
        action=action,
        obj=book,
        station=beat.post.station,
        summary=f"{what} {count}件（{page.number}ページ目）",
    )
    return render(
        request,
        "liaison/books/book_detail.html",
        {
            "book": book,
            "beat": beat,
            "filterset": filterset,
            "filters": filters,
            "page": page,
            "rows": rows,
            "summary": summary,
            "order_label": ORDER_LABELS[filters["order"]],
            "may_write": permissions.has_perm(request.user, "change_beat_cards", beat),
            "may_export": permissions.has_perm(request.user, "export_beat_cards", beat),
            "kinds": CardKind.choices,
        },
    )


# --- カード検索 -----------------------------------------------------------------------------
@GET_ONLY
@login_required
def card_search(request: HttpRequest) -> HttpResponse:
    form = CardSearchForm(request.GET)
    query = form.query()
    may_search = has_books(request.user)
    page, rows = None, []
    if may_search and query:
        cards = selectors.card_search(user=request.user, query=query)
        page = Paginator(cards, SEARCH_PAGE_SIZE).get_page(page_number(request))
        for card in page.object_list:
            row = _card_row(card)
            beat = card.book.beat if card.book_id else None
            row["book"] = f"{beat.post.name} {beat.name}" if beat else "（編てつ前）"
            rows.append(row)
        access_event_record(
            user=request.user,
            action=AccessEvent.Action.SEARCH,
            object_type="liaison.liaisoncard",
            summary=f"氏名・電話番号で検索 {page.paginator.count}件（{page.number}ページ目）",
        )
    return render(
        request,
        "liaison/books/card_search.html",
        {
            "form": form,
            "query": query,
            "too_short": bool(request.GET.get("q", "").strip()) and not query,
            "has_books": may_search,
            "page": page,
            "rows": rows,
        },
    )


# --- 出力 ------------------------------------------------------------------------------------


def _export_response(
    request: HttpRequest,
    *,
    cards: QuerySet[LiaisonCard],
    station: Station,
    name: str,
    what: str,
    fmt: str,
    target: tuple[str, int],
) -> HttpResponse:
    """Record the export (one event, with the count) before a single row leaves, then
    stream the rows."""
    services.cards_record_export(
        actor=request.user,
        station=station,
        count=cards.count(),
        summary=f"{what}を{EXPORT_LABELS[fmt]}で出力",
        object_type=target[0],
        object_id=target[1],
    )
    safe_name = safe_filename(name)
    filename = f"巡回連絡簿_{safe_name}_{timezone.localdate():%Y%m%d}.{fmt}"
    rows = exports.card_rows(cards)
    if fmt == "csv":
        return csv_response(exports.COLUMNS, rows, filename=filename)
    return xlsx_response(exports.COLUMNS, rows, filename=filename, title=safe_name)


@GET_ONLY
@login_required
def book_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    book = selectors.book_get(user=request.user, pk=pk)
    if fmt not in EXPORT_LABELS:
        raise Http404("この形式では出力できません。")
    beat = book.beat
    permissions.require(request.user, "export_beat_cards", beat)
    books = selectors.export_book_list(user=request.user).filter(pk=book.pk)
    return _export_response(
        request,
        cards=selectors.export_card_list(user=request.user, books=books),
        station=beat.post.station,
        name=f"{beat.post.station.name}_{beat.post.name}_{beat.name}",
        what=f"巡回連絡簿（{beat.post.name} {beat.name}）",
        fmt=fmt,
        target=("liaison.liaisonbook", book.pk),
    )


@GET_ONLY
@login_required
def station_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    # A station in which the user may export no book is, for him, not there: 404.
    books = selectors.export_book_list(user=request.user, station_id=pk)
    first = books.select_related("beat__post__station").first()
    if first is None:
        raise OutOfScope("accounts.station", str(pk))
    if fmt not in EXPORT_LABELS:
        raise Http404("この形式では出力できません。")
    station = first.beat.post.station
    return _export_response(
        request,
        cards=selectors.export_card_list(user=request.user, books=books),
        station=station,
        name=station.name,
        what=f"{station.name}の巡回連絡簿",
        fmt=fmt,
        target=("accounts.station", station.pk),
    )


@GET_ONLY
@login_required
def blank_card_print(request: HttpRequest) -> HttpResponse:
    # No personal data on it, so no access event: the blank form is not a read of a card.
    if not blank_card_may_print(request.user):
        raise PermissionDenied("巡回連絡カードを扱う役職の職員のみが印刷できます。")
    kind = request.GET.get("kind", CardKind.HOUSEHOLD)
    if kind not in printing.BLANK_KINDS:
        kind = CardKind.HOUSEHOLD
    pdf = printing.render_pdf(
        "liaison/books/print/blank.html",
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
    card = card_get(user=request.user, pk=pk)
    # A break-the-glass viewer sees the card for a while; he may not take it away on paper.
    if "print" not in card_actions(request.user, card):
        raise PermissionDenied("このカードを印刷する権限がありません。")
    now = timezone.now()
    pdf = printing.render_pdf(
        "liaison/books/print/card.html",
        printing.card_context(
            card=card,
            members=card_member_list(card=card),
            vehicles=card_vehicle_list(card=card),
            printed_by=request.user,
            printed_at=now,
        ),
    )
    # Logged once the PDF exists: a print that failed to render took nothing away.
    card_record_access(
        actor=request.user, card=card, action=AccessEvent.Action.PRINT, summary="カードの印刷"
    )
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    return printing.pdf_response(
        pdf,
        filename=f"巡回連絡カード_{card.pk}_{stamp}.pdf",
        fallback=f"liaison-card-{card.pk}-{stamp}.pdf",
    )
