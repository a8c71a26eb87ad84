"""手交 (要領 第6-2(1)ア): leave a blank card, list, read, collect or give up a handout."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import BadInput, DomainError, PermissionDenied, TransitionError
from accounts.inputs import parse_id
from accounts.models import AccessEvent, Beat
from accounts.services import access_event_record
from accounts.utils.http import GET_ONLY, GET_POST, Attempt, page_number
from liaison import text
from liaison.cards import selectors
from liaison.cards.models import CardStatus, LiaisonBook
from liaison.handouts import selectors as handout_selectors
from liaison.handouts import services
from liaison.handouts.filters import HandoutFilterSet
from liaison.handouts.forms import HandoutForm, HandoutGiveUpForm
from liaison.handouts.models import CardHandout

OBJECT = "liaison.cardhandout"


HANDOUTS_PER_PAGE = 50


def _log(request: HttpRequest, handout: CardHandout, summary: str) -> None:
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.VIEW,
        obj=handout,
        station=handout.station,
        summary=summary,
    )


def handout_row(handout: CardHandout, today) -> dict[str, Any]:
    """One handout as plain strings, for the list and the worklist's section."""
    overdue = handout.status == CardHandout.Status.OPEN and handout.collect_by < today
    return {
        "pk": handout.pk,
        "url": reverse("liaison:handout_detail", kwargs={"pk": handout.pk}),
        "address": handout.short_address,
        "name": handout.resident_name or "（氏名未記入）",
        "beat": handout.book.beat.name,
        "handed_on": text.date_ja(handout.handed_on),
        "collect_by": text.date_ja(handout.collect_by),
        "overdue": overdue,
        "days_over": (today - handout.collect_by).days if overdue else 0,
        "status": handout.get_status_display(),
        "state": handout.status,
        "for_card": handout.card_id is not None,
        "collect_url": reverse("liaison:handout_collect", kwargs={"pk": handout.pk}),
    }


# --- 記録 ---------------------------------------------------------------------------------------
@GET_POST
@login_required
def handout_create(request: HttpRequest) -> HttpResponse:
    """「カードを手交した」: the officer's beats, or the filed card it was handed for
    (?card=<id>, from the card's page)."""
    user = request.user
    beats = list(
        permissions.beats_for(user, "record_visits")
        .select_related("post")
        .order_by("post__name", "name")
    )
    if not beats:
        raise PermissionDenied("カードの手交を記録できるのは、受持区を持つ受持警察官です。")
    card = None
    if "card" in request.GET:
        card_id = parse_id(request.GET["card"])
        if card_id is None:
            raise BadInput("カードの指定が正しくありません。カードの画面から操作し直してください。")
        card = selectors.card_get(user=user, pk=card_id)
        if card.status != CardStatus.FILED or card.book_id not in {b.pk for b in beats}:
            raise PermissionDenied("自分の受持区に編てつされたカードだけ手交を記録できます。")
    today = timezone.localdate()
    form = HandoutForm(
        request.POST or None,
        beats=beats,
        card=card,
        initial={"handed_on": today, "collect_by": services.default_collect_by(today)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        beat = next((b for b in beats if b.pk == data["beat"]), None)
        if beat is None:
            form.add_error("beat", "受持区を一覧から選んでください。")
        else:
            with Attempt(form) as attempt:
                handout = services.handout_record(
                    actor=user,
                    book=LiaisonBook(pk=beat.pk),
                    card=card,
                    handed_on=data["handed_on"],
                    collect_by=data["collect_by"],
                    town=data.get("town", ""),
                    banchi=data.get("banchi", ""),
                    building=data.get("building", ""),
                    room=data.get("room", ""),
                    resident_name=data.get("resident_name", ""),
                )
            if attempt.ok:
                messages.success(
                    request,
                    f"カードの手交を記録しました（回収予定日：{text.date_ja(handout.collect_by)}）。"
                    "回収するまで巡回連絡の予定に表示します。",
                )
                return redirect("liaison:worklist")
    return render(
        request,
        "liaison/handouts/form.html",
        {"here": "カードの手交の記録", "form": form, "card": card},
    )


# --- 一覧・詳細 --------------------------------------------------------------------------------
@GET_ONLY
@login_required
def handout_list(request: HttpRequest) -> HttpResponse:
    """The handouts of the books the user sees: waiting ones first, by collection date."""
    user = request.user
    if not permissions.holds_anywhere(user, "view_beat_cards", Beat):
        raise PermissionDenied("カードの手交は、巡回連絡簿を扱う職員が見るページです。")
    handouts = handout_selectors.handout_list(user=user)
    # The counts are of every handout he sees, whichever state the list shows.
    counts = handouts.aggregate(
        open=Count("pk", filter=Q(status=CardHandout.Status.OPEN)),
        overdue=Count(
            "pk",
            filter=Q(status=CardHandout.Status.OPEN, collect_by__lt=timezone.localdate()),
        ),
    )
    filterset = HandoutFilterSet(request.GET, queryset=handouts)
    state = filterset.values["state"]
    page = Paginator(filterset.qs, HANDOUTS_PER_PAGE).get_page(page_number(request))
    access_event_record(
        user=user,
        action=AccessEvent.Action.LIST,
        object_type=OBJECT,
        summary=f"カードの手交（{HandoutFilterSet.LABELS[state]}） {page.paginator.count}件"
        f"（{page.number}ページ目）",
    )
    today = timezone.localdate()
    return render(
        request,
        "liaison/handouts/list.html",
        {
            "here": "カードの手交",
            "filterset": filterset,
            "state": state,
            "state_label": HandoutFilterSet.LABELS[state],
            "page": page,
            "rows": [handout_row(h, today) for h in page.object_list],
            "counts": counts,
            "may_record": permissions.holds_anywhere(user, "record_visits", Beat),
        },
    )


@GET_ONLY
@login_required
def handout_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handout = handout_selectors.handout_get(user=request.user, pk=pk)
    _log(request, handout, "カードの手交の閲覧")
    may_close = handout.status == CardHandout.Status.OPEN and permissions.has_perm(
        request.user, "change_beat_cards", Beat(pk=handout.book_id)
    )
    return render(
        request,
        "liaison/handouts/detail.html",
        {
            "here": "手交の記録",
            "handout": handout,
            "row": handout_row(handout, timezone.localdate()),
            "history": handout_selectors.handout_history(handout=handout),
            "may_close": may_close,
        },
    )


# --- 回収・断念 --------------------------------------------------------------------------------
def _writable(request: HttpRequest, pk: int) -> CardHandout:
    """A handout in scope (else 404) that the user may close (else 403)."""
    handout = handout_selectors.handout_get(user=request.user, pk=pk)
    if not permissions.has_perm(request.user, "change_beat_cards", Beat(pk=handout.book_id)):
        raise PermissionDenied("この受持区の手交を回収・断念として記録する権限がありません。")
    return handout


def _refused(request: HttpRequest, handout: CardHandout, exc: DomainError) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect("liaison:handout_detail", pk=handout.pk)


@GET_POST
@login_required
def handout_collect(request: HttpRequest, pk: int) -> HttpResponse:
    """回収: a new household's card is made from what the resident wrote (the card form,
    which then closes the handout); a filed card's handout is marked collected, and the
    officer goes on to correct (補正) the card."""
    handout = _writable(request, pk)
    if handout.status != CardHandout.Status.OPEN:
        return _refused(
            request,
            handout,
            TransitionError(f"この手交はすでに「{handout.get_status_display()}」です。"),
        )
    if handout.card_id is None:
        url = reverse("liaison:book_card_create", kwargs={"pk": handout.book_id})
        return redirect(f"{url}?handout={handout.pk}")
    if request.method == "POST":
        # Not Attempt: only the rules' refusals go back to the handout (a ValidationError
        # from the row's own check is a fault, and stays one).
        try:
            handout = services.handout_collect(actor=request.user, handout=handout)
        except DomainError as exc:
            return _refused(request, handout, exc)
        messages.success(
            request,
            "手交したカードを回収済みにしました。記入された内容でカードを補正してください。",
        )
        return redirect("liaison:card_edit", pk=handout.card_id)
    _log(request, handout, "手交したカードの回収の確認")
    return render(
        request,
        "liaison/handouts/collect.html",
        {
            "here": "手交したカードの回収",
            "handout": handout,
            "row": handout_row(handout, timezone.localdate()),
        },
    )


@GET_POST
@login_required
def handout_give_up(request: HttpRequest, pk: int) -> HttpResponse:
    handout = _writable(request, pk)
    if handout.status != CardHandout.Status.OPEN:
        return _refused(
            request,
            handout,
            TransitionError(f"この手交はすでに「{handout.get_status_display()}」です。"),
        )
    form = HandoutGiveUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            services.handout_give_up(
                actor=request.user, handout=handout, reason=form.cleaned_data["reason"]
            )
        if attempt.ok:
            messages.success(request, "手交したカードの回収を断念として記録しました。")
            return redirect("liaison:handout_detail", pk=handout.pk)
    return render(
        request,
        "liaison/handouts/give_up.html",
        {
            "here": "回収の断念",
            "handout": handout,
            "row": handout_row(handout, timezone.localdate()),
            "form": form,
        },
    )


# --- The worklist's section ------------------------------------------------------------------
WORKLIST_HANDOUTS = 20


def worklist_section(user) -> dict[str, Any]:
    """「手交中のカード（回収待ち）」 on the officer's worklist, in one query: the first
    twenty by collection date, how many wait and how many are past their date (an officer
    has a handful at a time, so all of them are read)."""
    today = timezone.localdate()
    rows = list(handout_selectors.handout_open_list(user=user))
    return {
        "handouts": [handout_row(h, today) for h in rows[:WORKLIST_HANDOUTS]],
        "handout_count": len(rows),
        "handouts_overdue": sum(1 for h in rows if h.collect_by < today),
    }
