"""Planning pages: the officer's worklist (and its printed route sheet), the visit-frequency
policy, and the station's 専従日 calendar."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import DomainError, PermissionDenied
from accounts.models import AccessEvent, Beat, Station
from accounts.services import access_event_record
from accounts.utils import dates
from accounts.utils.http import GET_ONLY, GET_POST, Attempt, page_number
from liaison import text
from liaison.books import printing
from liaison.cards.models import CardKind
from liaison.handouts import views as handouts
from liaison.instructions.selectors import instruction_lines
from liaison.planning import selectors as planning_selectors
from liaison.planning import selectors as progress_selectors
from liaison.planning import services as planning_services
from liaison.planning import worklist as planning_worklist
from liaison.planning.filters import WorklistFilterSet
from liaison.planning.forms import (
    CYCLE_FIELDS,
    KIND_FIELDS,
    DedicatedDayForm,
    VisitPolicyForm,
)
from liaison.planning.models import DedicatedDay, VisitPolicy
from liaison.planning.policy import visit_policy_may_read
from liaison.planning.selectors import (
    _policy_value,
    dedicated_day_get,
    headquarters_get,
    visit_policy_history,
)

WORKLIST_PER_PAGE = 50


POLICY_HISTORY_PER_PAGE = 20


CARD_OBJECT = "liaison.liaisoncard"


WEEKDAYS = "月火水木金土日"


def _day_ja(value: dt.date) -> str:
    """11月3日（月）: a day of this month, as a calendar line says it."""
    return dates.date_ja(value, year=False, weekday=True)


def _beat_label(beat: Beat) -> str:
    return f"{beat.post.name} {beat.name}"


# --- 巡回連絡の予定（ワークリスト） ------------------------------------------------------------
def _officer_beats(user, *, dedicated_month: dt.date | None = None) -> list[Beat]:
    """The beats the user records visits in; none: the worklist is not his page (403)."""
    beats = planning_worklist.officer_beat_list(user, dedicated_month=dedicated_month)
    if not beats:
        raise PermissionDenied("巡回連絡の予定は、受持区を持つ受持警察官が見るページです。")
    return beats


class _PathOf:
    """The path of a pk-only URL, reversed once per page rather than once per row."""

    MARK = 987654321

    def __init__(self, name: str) -> None:
        self.head, self.tail = reverse(name, kwargs={"pk": self.MARK}).split(str(self.MARK))

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


_KIND_LABELS = dict(CardKind.choices)


def _work_rows(
    items: list[planning_worklist.WorkItem], *, several_beats: bool, back: str = ""
) -> list[dict[str, Any]]:
    """One row per card, as plain strings: the template only prints them. `back`: the page
    the visit form returns to."""
    card_url = _PathOf("liaison:card_detail")
    visit_url = _PathOf("liaison:visit_create")
    absent_url = _PathOf("liaison:visit_absent")
    next_query = f"?next={quote(back, safe='')}"
    rows = []
    for item in items:
        card = item.card
        rows.append(
            {
                "pk": card.pk,
                "url": card_url(card.pk),
                "visit_url": visit_url(card.pk) + next_query,
                "absent_url": absent_url(card.pk),
                "address": card.short_address or "（住所未記入）",
                "head_name": card.head_name or "（未記入）",
                "kind": _KIND_LABELS.get(card.kind, card.kind),
                "beat": card.book.beat.name if several_beats else "",
                "care": "、".join(card.care_points),
                "care_count": card.care_count,
                "last_visit": text.date_ja(card.last_visit_on) or "未訪問",
                "never_visited": card.last_visit_on is None,
                "due_on": text.date_ja(item.due_on),
                # The route sheet's narrow columns, in 和暦 as on the paper forms.
                "last_visit_short": dates.wareki_short(card.last_visit_on) or "未訪問",
                "due_short": dates.wareki_short(item.due_on),
                "overdue": item.overdue_days,
            }
        )
    return rows


def _worklist_items(request: HttpRequest, beats: list[Beat]):
    filterset = WorklistFilterSet(request.GET, beats=beats)
    beat_id = filterset.values["beat"] if len(beats) > 1 else None
    today = timezone.localdate()
    work = planning_worklist.worklist_get(
        user=request.user, today=today, beat_id=beat_id, beats=beats
    )
    beat = next((b for b in beats if b.pk == beat_id), None)
    return filterset, beat, today, work


class _Listed(Sequence):
    """The worklist's cards for the Paginator: their count is known (read with the
    figures), and a page is one query (Worklist.page)."""

    def __init__(self, work: planning_worklist.Worklist, *, overdue_only: bool) -> None:
        self.work, self.overdue_only = work, overdue_only

    def __len__(self) -> int:
        return self.work.count(overdue_only=self.overdue_only)

    def __getitem__(self, index):  # type: ignore[override]
        if not isinstance(index, slice):
            raise TypeError("巡回連絡の予定はページ単位で読みます。")
        start, stop, _step = index.indices(len(self))
        return self.work.page(start, stop, overdue_only=self.overdue_only)


@GET_ONLY
@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """His due and overdue cards, the most pressing first; a card he visited or tried
    today (不在) is no longer listed."""
    today = timezone.localdate()
    beats = _officer_beats(request.user, dedicated_month=today)
    filterset, beat, today, work = _worklist_items(request, beats)
    overdue_only = filterset.values["overdue"]
    listed = _Listed(work, overdue_only=overdue_only)
    page = Paginator(listed, WORKLIST_PER_PAGE).get_page(page_number(request))
    count = page.paginator.count
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.LIST,
        object_type=CARD_OBJECT,
        station=(beat or beats[0]).post.station,
        summary=f"巡回連絡の予定（ワークリスト）{'（受持区で絞り込み）' if beat else ''}"
        f"{'（期限超過のみ）' if overdue_only else ''} {count}件（{page.number}ページ目）",
    )
    back = request.get_full_path()
    # His own 専従日 this month, read with his beats (officer_beat_list).
    dedicated = sorted({day for b in beats for day in b.dedicated_days or ()})
    print_url = reverse("liaison:worklist_print")
    if beat is not None:
        print_url += f"?beat={beat.pk}"
    return render(
        request,
        "liaison/planning/worklist.html",
        {
            # 手交中のカード: a section of its own until collected or given up (第6-2(1)ア).
            **handouts.worklist_section(request.user),
            "here": "巡回連絡の予定",
            "filterset": filterset,
            "beats": beats,
            "beat": beat,
            "several_beats": len(beats) > 1,
            "overdue_only": overdue_only,
            "page": page,
            "rows": _work_rows(list(page.object_list), several_beats=len(beats) > 1, back=back),
            "count": count,
            # The figures of these beats as the progress page counts them (one definition).
            "due_count": work.figures["due"],
            "overdue_count": work.figures["overdue"],
            "tried_today": work.tried_today,
            "instructions": instruction_lines(work.rule),
            "today": text.date_ja(today),
            "dedicated_days": "、".join(_day_ja(d) for d in dedicated),
            "dedicated_today": today in dedicated,
            "next": back,
            "print_url": print_url,
        },
    )


@GET_ONLY
@login_required
def worklist_print(request: HttpRequest) -> HttpResponse:
    """ルート表: the same list on A4, with a box to tick per household on the round. The
    sheet carries who printed it and when, like a printed card."""
    beats = _officer_beats(request.user)
    _filterset, beat, today, work = _worklist_items(request, beats)
    items = work.items
    now = timezone.now()
    local = timezone.localtime(now)
    stamp = dates.wareki_datetime(local)
    user = request.user
    printer = f"{user.full_name}（職員番号 {user.employee_number}）"
    shown = [beat] if beat else beats
    pdf = printing.render_pdf(
        "liaison/books/print/route_sheet.html",
        {
            "title": "巡回連絡の予定（ルート表）",
            "rows": _work_rows(items, several_beats=len(beats) > 1 and beat is None),
            "several_beats": len(beats) > 1 and beat is None,
            "count": len(items),
            "beats": "、".join(f"{b.post.station.name} {_beat_label(b)}" for b in shown),
            "officer": printer,
            "today": dates.wareki(today),
            "printer": printer,
            "printed_at": stamp,
            "watermark": f"{printer} {stamp} 印刷",
            "watermark_rows": range(9),
        },
    )
    # Logged once the PDF exists: a print that failed to render took nothing away.
    access_event_record(
        user=user,
        action=AccessEvent.Action.PRINT,
        object_type=CARD_OBJECT,
        station=(beat or beats[0]).post.station,
        summary=f"巡回連絡の予定（ルート表）の印刷 {len(items)}件",
    )
    day = local.strftime("%Y%m%d-%H%M")
    return printing.pdf_response(
        pdf, filename=f"巡回連絡ルート表_{day}.pdf", fallback=f"liaison-route-{day}.pdf"
    )


# --- 実施頻度 ------------------------------------------------------------------------------
@GET_POST
@login_required
def visit_policy(request: HttpRequest) -> HttpResponse:
    """要領 第5-2 「地域部長が別に定める」: the cycles and the kinds counted; the 地域部長
    changes them with a reason, everyone else who works with cards (the 統括管理責任者 too)
    reads them and their history."""
    user = request.user
    if not visit_policy_may_read(user):
        raise PermissionDenied("巡回連絡の実施頻度は、巡回連絡カードを扱う職員が見るページです。")
    headquarters = headquarters_get(user)
    may_change = permissions.has_perm(user, "set_visit_policy", headquarters)
    if request.method == "POST" and not may_change:
        raise PermissionDenied("巡回連絡の実施頻度を変更できるのは地域部長です（要領第5-2）。")
    policy = planning_selectors.visit_policy_get(headquarters_id=headquarters.pk)
    form = None
    if may_change:
        initial = VisitPolicyForm.initial_from(policy)
        form = VisitPolicyForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            with Attempt(form) as attempt:
                planning_services.visit_policy_set(
                    actor=user,
                    headquarters=headquarters,
                    reason=form.cleaned_data["reason"],
                    **form.values(),
                )
            if attempt.ok:
                messages.success(
                    request, "巡回連絡の実施頻度を変更しました。変更は履歴に残ります。"
                )
                return redirect("liaison:visit_policy")
    page = Paginator(visit_policy_history(headquarters), POLICY_HISTORY_PER_PAGE).get_page(
        page_number(request)
    )
    cycles = [
        (
            str(VisitPolicy._meta.get_field(name).verbose_name),
            _policy_value(name, getattr(policy, name)),
        )
        for name in CYCLE_FIELDS[1:]
    ]
    return render(
        request,
        "liaison/planning/policy.html",
        {
            "here": "巡回連絡の実施頻度",
            "headquarters": headquarters,
            "policy": policy,
            "is_set": policy.pk is not None,
            "cycles": cycles,
            "kinds": [
                (str(VisitPolicy._meta.get_field(name).verbose_name), bool(getattr(policy, name)))
                for name in KIND_FIELDS
            ],
            "form": form,
            "may_change": may_change,
            "page": page,
        },
    )


# --- 巡回連絡専従日 ------------------------------------------------------------------------------
def _dedicated_station(user, pk: int) -> Station:
    """A station whose progress the user reviews (else 404) and whose 専従日 he sets
    (else 403: the HQ reviews every station but sets no station's days)."""
    station = progress_selectors.review_station_get(user=user, pk=pk)
    if not permissions.has_perm(user, "set_dedicated_days", station):
        raise PermissionDenied("専従日を設定できるのは地域課長等と警察署長です。")
    return station


def _month_url(station: Station, month: dt.date) -> str:
    url = reverse("liaison:dedicated_days", kwargs={"pk": station.pk})
    return f"{url}?month={month:%Y-%m}"


def _calendar(month: dt.date, days: list[DedicatedDay], today: dt.date) -> list[list[dict]]:
    """The month as weeks from Sunday, each day with the officers set on it."""
    by_date: dict[dt.date, list[DedicatedDay]] = {}
    for day in days:
        by_date.setdefault(day.date, []).append(day)
    weeks = calendar.Calendar(firstweekday=6).monthdatescalendar(month.year, month.month)
    return [
        [
            {
                "date": date,
                "day": date.day,
                "label": _day_ja(date),
                "in_month": date.month == month.month,
                "is_today": date == today,
                "entries": by_date.get(date, []) if date.month == month.month else [],
            }
            for date in week
        ]
        for week in weeks
    ]


@GET_POST
@login_required
def dedicated_days(request: HttpRequest, pk: int) -> HttpResponse:
    """要領 第3-2(2): the station's 専従日 for the month, per officer, and adding one."""
    station = _dedicated_station(request.user, pk)
    today = timezone.localdate()
    asked = request.GET.get("month")
    month = dates.parse_month(asked)
    if asked and month is None:
        messages.warning(request, "月の指定が正しくないため、今月を表示しています。")
    month = month or today.replace(day=1)
    officers = planning_selectors.station_officer_list(station=station, user=request.user)
    default_date = today if (today.year, today.month) == (month.year, month.month) else month
    form = DedicatedDayForm(request.POST or None, officers=officers, initial={"date": default_date})
    if request.method == "POST" and form.is_valid():
        officer = form.chosen_officer()
        date = form.cleaned_data["date"]
        with Attempt(form) as attempt:
            planning_services.dedicated_day_set(
                actor=request.user, station=station, officer=officer, date=date
            )
        if attempt.ok:
            messages.success(
                request, f"{officer.full_name}さんの専従日に{text.date_ja(date)}を設定しました。"
            )
            return redirect(_month_url(station, date.replace(day=1)))
    days = list(planning_selectors.dedicated_day_list(station=station, month=month))
    per_officer: dict[int, dict[str, Any]] = {o.pk: {"officer": o, "days": []} for o in officers}
    for day in days:
        per_officer.setdefault(day.officer_id, {"officer": day.officer, "days": []})
        per_officer[day.officer_id]["days"].append(day)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "liaison/planning/dedicated_days.html",
        {
            "here": "巡回連絡専従日",
            "station": station,
            "month": month,
            "month_label": dates.month_ja(month),
            "weeks": _calendar(month, days, today),
            "weekday_names": ["日", "月", "火", "水", "木", "金", "土"],
            "per_officer": list(per_officer.values()),
            "day_count": len(days),
            "form": form,
            "previous_url": _month_url(station, previous),
            "previous_label": dates.month_ja(previous),
            "next_url": _month_url(station, following),
            "next_label": dates.month_ja(following),
            "this_month_url": _month_url(station, today.replace(day=1)),
            "is_this_month": month == today.replace(day=1),
            "other_stations": [
                (other, _month_url(other, month))
                for other in permissions.stations_for(request.user, "set_dedicated_days")
                .exclude(pk=station.pk)
                .order_by("code")
            ],
        },
    )


@GET_POST
@login_required
def dedicated_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Removing a 専従日 asks first: the visits of that day stop counting as dedicated."""
    day = dedicated_day_get(request.user, pk)
    back = _month_url(day.station, day.date.replace(day=1))
    if request.method == "POST":
        # Not Attempt: the service's refusals, that of a day of an officer outside the
        # chief's 地域課 (a PermissionDenied) too, are said on the month's page, not a 403.
        try:
            planning_services.dedicated_day_remove(actor=request.user, day=day)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"{day.officer.full_name}さんの専従日（{text.date_ja(day.date)}）を取り消しました。",
            )
        return redirect(back)
    return render(
        request,
        "liaison/planning/dedicated_day_delete.html",
        {
            "here": "専従日の取消し",
            "day": day,
            "station": day.station,
            "date": text.date_ja(day.date),
            "back": back,
        },
    )


def _first_dedicated_station(user) -> Station:
    station = permissions.stations_for(user, "set_dedicated_days").order_by("code").first()
    if station is None:
        raise PermissionDenied("専従日を設定できるのは地域課長等と警察署長です。")
    return station


@GET_ONLY
@login_required
def dedicated_days_mine(request: HttpRequest) -> HttpResponse:
    """The menu's way in: the 専従日 of the (first) station where the user sets them."""
    station = _first_dedicated_station(request.user)
    return redirect("liaison:dedicated_days", pk=station.pk)
