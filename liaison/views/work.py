"""The beat officer's round and what frames it (要領 第3-2(2), 第5-2, 第5-5):

- the worklist of due and overdue cards, and its printed route sheet;
- the frequency policy that decides what is due (HQ sets it, everyone reads it);
- the takeover of a beat by a new officer, confirmed by him and seen by his supervisor;
- the dedicated days (専従日) a station sets per officer.

Each view: a selector or a permission question (404 outside scope, 403 in scope but not
allowed), one service for a write, then a redirect with a message or the form again.
Pages that list cards (names, addresses) record an AccessEvent with counts only.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from accounts import dates, permissions
from accounts.exceptions import DomainError, OutOfScope, PermissionDenied, TransitionError
from accounts.forms.months import parse_month
from accounts.models import AccessEvent, Beat, BeatAssignment, Headquarters, Post, Station
from accounts.services import access_event_record
from liaison import printing, text
from liaison.planning import selectors as planning_selectors
from liaison.planning import services as planning_services
from liaison.planning.models import DedicatedDay, VisitPolicy
from liaison.progress import selectors as progress_selectors
from liaison.takeover import selectors as takeover_selectors
from liaison.takeover import services as takeover_services
from liaison.visits import selectors as visits_selectors

from ..forms.work import (
    CYCLE_FIELDS,
    KIND_FIELDS,
    POLICY_FIELDS,
    DedicatedDayForm,
    TakeoverConfirmForm,
    VisitPolicyForm,
    WorklistFilterForm,
)
from . import handouts
from ._common import GET_ONLY, GET_POST, instruction_lines, page_number, refused

WORKLIST_PER_PAGE = 50
TAKEOVERS_PER_PAGE = 25
POLICY_HISTORY_PER_PAGE = 20
PANEL_LIMIT = 10
CARD_OBJECT = "liaison.liaisoncard"
WEEKDAYS = "月火水木金土日"


def _day_ja(value: dt.date) -> str:
    """11月3日（月）: a day of this month, as a calendar line says it."""
    return dates.date_ja(value, year=False, weekday=True)


def _beat_label(beat: Beat) -> str:
    return f"{beat.post.name} {beat.name}"


# --- 巡回連絡の予定（ワークリスト） ------------------------------------------------------------


def _officer_beats(user) -> list[Beat]:
    """The beats the user records visits in; none: the worklist is not his page (403)."""
    beats = list(
        permissions.beats_for(user, "record_visits")
        .select_related("post__station")
        .order_by("post__station__code", "post__name", "name")
    )
    if not beats:
        raise PermissionDenied("巡回連絡の予定は、受持区を持つ受持警察官が見るページです。")
    return beats


def _work_rows(
    items: list[planning_selectors.WorkItem], *, several_beats: bool
) -> list[dict[str, Any]]:
    """One row per card, as plain strings: the template only prints them."""
    rows = []
    for item in items:
        card = item.card
        rows.append(
            {
                "pk": card.pk,
                "url": reverse("liaison:card_detail", kwargs={"pk": card.pk}),
                "address": card.short_address or "（住所未記入）",
                "head_name": card.head_name or "（未記入）",
                "kind": card.get_kind_display(),
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
    form = WorklistFilterForm(request.GET, beats=beats)
    beat_id = form.beat_id() if len(beats) > 1 else None
    today = timezone.localdate()
    work = planning_selectors.worklist(user=request.user, today=today, beat_id=beat_id)
    beat = next((b for b in beats if b.pk == beat_id), None)
    return form, beat, today, work


def _my_dedicated_days(user, beats: list[Beat], today: dt.date) -> list[dt.date]:
    """The officer's own 専従日 this month, from the stations of his beats."""
    stations = {b.post.station_id: b.post.station for b in beats}
    days: set[dt.date] = set()
    for station in stations.values():
        days |= set(
            planning_selectors.dedicated_days(station=station, month=today)
            .filter(officer=user)
            .values_list("date", flat=True)
        )
    return sorted(days)


@GET_ONLY
@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """His due and overdue cards, the most pressing first; a card he visited or tried
    today (不在) is no longer listed."""
    beats = _officer_beats(request.user)
    form, beat, today, work = _worklist_items(request, beats)
    overdue_only = form.overdue_only()
    items = [item for item in work.items if item.overdue_days] if overdue_only else work.items
    page = Paginator(items, WORKLIST_PER_PAGE).get_page(page_number(request))
    count = page.paginator.count
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.LIST,
        object_type=CARD_OBJECT,
        station=(beat or beats[0]).post.station,
        summary=f"巡回連絡の予定（ワークリスト）{'（受持区で絞り込み）' if beat else ''}"
        f"{'（期限超過のみ）' if overdue_only else ''} {count}件（{page.number}ページ目）",
    )
    dedicated = _my_dedicated_days(request.user, beats, today)
    print_url = reverse("liaison:worklist_print")
    if beat is not None:
        print_url += f"?beat={beat.pk}"
    return render(
        request,
        "liaison/work/worklist.html",
        {
            # 手交中のカード: a section of its own until collected or given up (第6-2(1)ア).
            **handouts.worklist_section(request.user),
            "here": "巡回連絡の予定",
            "form": form,
            "beats": beats,
            "beat": beat,
            "several_beats": len(beats) > 1,
            "overdue_only": overdue_only,
            "page": page,
            "rows": _work_rows(list(page.object_list), several_beats=len(beats) > 1),
            "count": count,
            # The figures of these beats as the progress page counts them (one definition).
            "due_count": work.figures["due"],
            "overdue_count": work.figures["overdue"],
            "tried_today": work.tried_today,
            "instructions": instruction_lines(work.rule),
            "today": text.date_ja(today),
            "dedicated_days": "、".join(_day_ja(d) for d in dedicated),
            "dedicated_today": today in dedicated,
            "next": request.get_full_path(),
            "print_url": print_url,
        },
    )


@GET_ONLY
@login_required
def worklist_print(request: HttpRequest) -> HttpResponse:
    """ルート表: the same list on A4, with a box to tick per household on the round. The
    sheet carries who printed it and when, like a printed card."""
    beats = _officer_beats(request.user)
    _form, beat, today, work = _worklist_items(request, beats)
    items = work.items
    now = timezone.now()
    local = timezone.localtime(now)
    stamp = dates.wareki_datetime(local)
    user = request.user
    printer = f"{user.full_name}（職員番号 {user.employee_number}）"
    shown = [beat] if beat else beats
    pdf = printing.render_pdf(
        "liaison/print/route_sheet.html",
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


def worklist_panel(user) -> dict[str, Any]:
    """「巡回連絡の予定」 on a beat officer's home page: his beats' 要訪問・期限超過, counted
    as his worklist and the progress page count them."""
    figures = planning_selectors.worklist_figures(user=user, today=timezone.localdate())
    return {"figures": figures, "follow_ups": visits_selectors.follow_ups_open(user=user).count()}


# --- 実施頻度 ------------------------------------------------------------------------------


def _may_read_policy(user) -> bool:
    """Whoever works with cards or reviews progress reads the policy that drives them."""
    return (
        permissions.holds_anywhere(user, "view_beat_cards", Beat)
        or permissions.holds_anywhere(user, "review_progress", Station)
        or permissions.has_hq_perm(user, "set_visit_policy")
    )


def _headquarters_of(user) -> Headquarters:
    """The HQ whose policy the user works under: the one he sets it for, the HQ of his
    station, or the only HQ there is."""
    managed = permissions.objects_for(user, "set_visit_policy", Headquarters).first()
    if managed is not None:
        return managed
    station = permissions.home_station(user)
    if station is None:
        station = permissions.beats_for(user).select_related("post__station").first()
        station = station.post.station if station else None
    if station is not None:
        return Headquarters.objects.get(pk=station.headquarters_id)
    rows = list(Headquarters.objects.all()[:2])
    if len(rows) != 1:
        raise OutOfScope("accounts.headquarters")
    return rows[0]


def _policy_value(name: str, value: Any) -> str:
    if name in KIND_FIELDS:
        return "対象" if value else "対象外"
    if value in (None, ""):
        return "設定なし（通常の周期）"
    return f"{value}日"


@dataclass
class PolicyChange:
    when: dt.datetime
    who: str
    reason: str
    kind: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # label, before, after


def _policy_history(headquarters: Headquarters) -> list[PolicyChange]:
    """The policy's changes, newest first, each as field label: before → after. One query.

    The policy is the same for everyone under this HQ (no personal data), so its history
    is read here rather than through a per-user selector."""
    records = list(
        VisitPolicy.history.filter(headquarters_id=headquarters.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries: list[PolicyChange] = []
    previous = None
    for record in records:
        changes = []
        for name in POLICY_FIELDS:
            after = getattr(record, name)
            before = getattr(previous, name) if previous is not None else None
            if previous is None or before != after:
                changes.append(
                    (
                        str(VisitPolicy._meta.get_field(name).verbose_name),
                        _policy_value(name, before) if previous is not None else "",
                        _policy_value(name, after),
                    )
                )
        user = record.history_user
        entries.append(
            PolicyChange(
                when=record.history_date,
                who=f"{user.full_name}（{user.employee_number}）" if user else "システム",
                reason=record.history_change_reason or record.reason or "",
                kind="設定" if previous is None else "変更",
                changes=changes,
            )
        )
        previous = record
    entries.reverse()
    return entries


@GET_POST
@login_required
def visit_policy(request: HttpRequest) -> HttpResponse:
    """要領 第5-2 「地域部長が別に定める」: the cycles and the kinds counted; the 地域部長
    changes them with a reason, everyone else who works with cards (the 統括管理責任者 too)
    reads them and their history."""
    user = request.user
    if not _may_read_policy(user):
        raise PermissionDenied("巡回連絡の実施頻度は、巡回連絡カードを扱う職員が見るページです。")
    headquarters = _headquarters_of(user)
    may_change = permissions.has_perm(user, "set_visit_policy", headquarters)
    if request.method == "POST" and not may_change:
        raise PermissionDenied("巡回連絡の実施頻度を変更できるのは地域部長です（要領第5-2）。")
    policy = planning_selectors.visit_policy_for(headquarters_id=headquarters.pk)
    form = None
    if may_change:
        initial = VisitPolicyForm.initial_from(policy)
        form = VisitPolicyForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                planning_services.visit_policy_set(
                    actor=user,
                    headquarters=headquarters,
                    reason=form.cleaned_data["reason"],
                    **form.values(),
                )
            except (DomainError, ValidationError) as exc:
                refused(form, exc)
            else:
                messages.success(
                    request, "巡回連絡の実施頻度を変更しました。変更は履歴に残ります。"
                )
                return redirect("liaison:visit_policy")
    page = Paginator(_policy_history(headquarters), POLICY_HISTORY_PER_PAGE).get_page(
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
        "liaison/work/policy.html",
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


# --- 受持区の引継ぎ ----------------------------------------------------------------------------


def _with_predecessor(assignments: list[BeatAssignment]) -> set[int]:
    """Which assignments follow another officer on the same beat (a takeover to read), in
    one query over the beats concerned. Same rule as selectors.takeover_summary."""
    beat_ids = {a.beat_id for a in assignments}
    earlier: dict[int, list[tuple[dt.date, int, int]]] = {}
    rows = BeatAssignment.objects.filter(beat_id__in=beat_ids).values_list(
        "beat_id", "starts_on", "officer_id", "pk"
    )
    for beat_id, starts_on, officer_id, pk in rows:
        earlier.setdefault(beat_id, []).append((starts_on, officer_id, pk))
    return {
        a.pk
        for a in assignments
        if any(
            starts_on <= a.starts_on and officer_id != a.officer_id and pk != a.pk
            for starts_on, officer_id, pk in earlier.get(a.beat_id, [])
        )
    }


def _confirmation(assignment: BeatAssignment):
    return getattr(assignment, "takeover", None)


def may_list_takeovers(user) -> bool:
    """Beat officers, their 取扱責任者, and the reviewers who read cards (not the 地域部長,
    who reviews figures only: the takeover pages list residents)."""
    return (
        permissions.holds_anywhere(user, "record_visits", Beat)
        or permissions.holds_anywhere(user, "supervise_post", Post)
        or (
            permissions.holds_anywhere(user, "review_progress", Station)
            and permissions.holds_anywhere(user, "view_beat_cards", Beat)
        )
    )


@GET_ONLY
@login_required
def takeover_list(request: HttpRequest) -> HttpResponse:
    """His own beats, and the beats he supervises or reviews: whether the officer has read
    his predecessor's record, those still to confirm first."""
    user = request.user
    if not may_list_takeovers(user):
        raise PermissionDenied("受持区の引継ぎは、受持警察官とその監督者が見るページです。")
    assignments = takeover_selectors.takeovers_for(user=user)
    followed = _with_predecessor(assignments)
    rows = []
    for assignment in assignments:
        confirmation = _confirmation(assignment)
        rows.append(
            {
                "assignment": assignment,
                "url": reverse("liaison:takeover", kwargs={"pk": assignment.pk}),
                "mine": assignment.officer_id == user.pk,
                "confirmed_at": confirmation.confirmed_at if confirmation else None,
                "has_predecessor": assignment.pk in followed,
            }
        )
    # Those waiting for the officer's confirmation first (a takeover with a predecessor,
    # not yet read), then the rest; newest first within each (the selector's order).
    rows.sort(key=lambda r: r["confirmed_at"] is not None or not r["has_predecessor"])
    page = Paginator(rows, TAKEOVERS_PER_PAGE).get_page(page_number(request))
    return render(
        request,
        "liaison/work/takeover_list.html",
        {
            "here": "受持区の引継ぎ",
            "page": page,
            "waiting": sum(1 for r in rows if r["has_predecessor"] and not r["confirmed_at"]),
        },
    )


@GET_POST
@login_required
def takeover(request: HttpRequest, pk: int) -> HttpResponse:
    """要領 第5-5: what the predecessor did on this beat; the new officer confirms he has
    read it (once), his supervisor sees that he did."""
    user = request.user
    assignment = takeover_selectors.takeover_assignment_get(user=user, pk=pk)
    is_officer = assignment.officer_id == user.pk
    if request.method == "POST" and not is_officer:
        raise PermissionDenied("引継ぎを確認できるのは、この受持区の受持警察官本人です。")
    # Bound on any POST: the note is optional, so an empty form is a confirmation too.
    form = TakeoverConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            takeover_services.takeover_confirm(
                actor=user, assignment=assignment, note=form.cleaned_data["note"]
            )
        except TransitionError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            refused(form, exc)
        else:
            messages.success(
                request, f"{assignment.beat}の引継ぎを確認しました。取扱責任者に通知しました。"
            )
            return redirect("liaison:takeover", pk=assignment.pk)
    summary = takeover_selectors.takeover_summary(assignment=assignment, today=timezone.localdate())
    beat = assignment.beat
    access_event_record(
        user=user,
        action=AccessEvent.Action.LIST,
        object_type=CARD_OBJECT,
        station=beat.post.station,
        summary=f"受持区の引継ぎ 期限超過{len(summary.overdue)}件・未対応{len(summary.follow_ups)}件"
        f"・聴取事項{len(summary.notes)}件",
    )
    return render(
        request,
        "liaison/work/takeover.html",
        {
            "here": f"{beat.post.name} {beat.name}",
            "assignment": assignment,
            "beat": beat,
            "summary": summary,
            "progress": summary.progress,
            "confirmation": summary.confirmation,
            "is_officer": is_officer,
            "may_confirm": (
                is_officer and summary.confirmation is None and assignment.revoked_at is None
            ),
            "form": form,
            "overdue_total": summary.progress.overdue,
            "list_limit": takeover_selectors.TAKEOVER_LIST_LIMIT,
        },
    )


# Home panel: a takeover waiting for the officer's confirmation, and for the 取扱責任者 those
# of his post. One query per request, shared by the panel's predicate and its context.


def _pending_takeovers(user) -> list[BeatAssignment]:
    cache = user.__dict__
    if "_pending_takeovers" not in cache:
        posts = permissions.objects_for(user, "supervise_post", Post).values("pk")
        earlier = (
            BeatAssignment.objects.filter(
                beat=OuterRef("beat"), starts_on__lte=OuterRef("starts_on")
            )
            .exclude(pk=OuterRef("pk"))
            .exclude(officer=OuterRef("officer"))
        )
        cache["_pending_takeovers"] = list(
            BeatAssignment.objects.filter(
                granted_at__isnull=False, revoked_at__isnull=True, takeover__isnull=True
            )
            .filter(Q(officer=user) | Q(beat__post__in=posts))
            .filter(Exists(earlier))
            .select_related("beat__post__station", "officer")
            .order_by("starts_on", "pk")[: PANEL_LIMIT + 1]
        )
    return cache["_pending_takeovers"]


def has_pending_takeovers(user) -> bool:
    if not (
        permissions.holds_anywhere(user, "record_visits", Beat)
        or permissions.holds_anywhere(user, "supervise_post", Post)
    ):
        return False
    return bool(_pending_takeovers(user))


def takeover_panel(user) -> dict[str, Any]:
    pending = _pending_takeovers(user)
    shown = pending[:PANEL_LIMIT]
    return {
        "mine": [a for a in shown if a.officer_id == user.pk],
        "others": [a for a in shown if a.officer_id != user.pk],
        "more": len(pending) > PANEL_LIMIT,
    }


# --- 巡回連絡専従日 ------------------------------------------------------------------------------


def _dedicated_station(user, pk: int) -> Station:
    """A station whose progress the user reviews (else 404) and whose 専従日 he sets
    (else 403: the HQ reviews every station but sets no station's days)."""
    station = progress_selectors.review_station_get(user=user, pk=pk)
    if not permissions.has_perm(user, "set_dedicated_days", station):
        raise PermissionDenied("専従日を設定できるのは地域課長等と警察署長です。")
    return station


def _dedicated_day_get(user, pk: int) -> DedicatedDay:
    day = (
        DedicatedDay.objects.select_related("officer", "station", "set_by")
        .filter(pk=pk, station__in=progress_selectors.review_stations(user=user))
        .first()
    )
    if day is None:
        raise OutOfScope("liaison.dedicatedday", str(pk))
    if not permissions.has_perm(user, "set_dedicated_days", day.station):
        raise PermissionDenied("専従日を設定できるのは地域課長等と警察署長です。")
    return day


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
    month = parse_month(asked)
    if asked and month is None:
        messages.warning(request, "月の指定が正しくないため、今月を表示しています。")
    month = month or today.replace(day=1)
    officers = planning_selectors.station_officers(station=station, user=request.user)
    default_date = today if (today.year, today.month) == (month.year, month.month) else month
    form = DedicatedDayForm(request.POST or None, officers=officers, initial={"date": default_date})
    if request.method == "POST" and form.is_valid():
        officer = form.chosen_officer()
        date = form.cleaned_data["date"]
        try:
            planning_services.dedicated_day_set(
                actor=request.user, station=station, officer=officer, date=date
            )
        except (DomainError, ValidationError) as exc:
            refused(form, exc)
        else:
            messages.success(
                request, f"{officer.full_name}さんの専従日に{text.date_ja(date)}を設定しました。"
            )
            return redirect(_month_url(station, date.replace(day=1)))
    days = list(planning_selectors.dedicated_days(station=station, month=month))
    per_officer: dict[int, dict[str, Any]] = {o.pk: {"officer": o, "days": []} for o in officers}
    for day in days:
        per_officer.setdefault(day.officer_id, {"officer": day.officer, "days": []})
        per_officer[day.officer_id]["days"].append(day)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "liaison/work/dedicated_days.html",
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
    day = _dedicated_day_get(request.user, pk)
    back = _month_url(day.station, day.date.replace(day=1))
    if request.method == "POST":
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
        "liaison/work/dedicated_day_delete.html",
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


# "takeover" (kwarg pk) is the link of the notice liaison.takeover.services.takeover_confirm sends.
urlpatterns = [
    path("worklist/", worklist, name="worklist"),
    path("worklist/print.pdf", worklist_print, name="worklist_print"),
    path("policy/", visit_policy, name="visit_policy"),
    path("takeover/", takeover_list, name="takeover_list"),
    path("takeover/<id:pk>/", takeover, name="takeover"),
    path("dedicated-days/", dedicated_days_mine, name="dedicated_days_mine"),
    path("stations/<id:pk>/dedicated-days/", dedicated_days, name="dedicated_days"),
    path("dedicated-days/<id:pk>/delete/", dedicated_day_delete, name="dedicated_day_delete"),
]
