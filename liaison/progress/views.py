"""Progress pages (要領 第5): HQ and station figures, overdue cards, the CSV export, and the
officers' monthly plans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import AccessEvent, Beat, Station, User
from accounts.services import access_event_record
from accounts.utils import dates
from accounts.utils.exports import csv_response
from accounts.utils.http import GET_ONLY, GET_POST, Attempt, page_number
from liaison import text
from liaison.books import selectors as books_selectors
from liaison.cards.models import CardKind
from liaison.instructions.selectors import instruction_lines
from liaison.planning import selectors as planning_selectors
from liaison.planning import services
from liaison.planning.models import MonthlyPlan, VisitPolicy
from liaison.progress import selectors as progress_selectors
from liaison.progress.chart import _trend_chart
from liaison.progress.export import CSV_HEADER, progress_rows
from liaison.progress.forms import MonthlyPlanForm
from liaison.progress.policy import plan_officer_check
from liaison.progress.selectors import PlanScope, plan_scope_get

OVERDUE_PAGE_SIZE = 50


TREND_MONTHS = 12


_KIND_LABELS = dict(CardKind.choices)


def _month_from(request: HttpRequest, *, say: bool = True) -> dt.date:
    """?month=YYYY-MM, else this month; a wrong value is said (on a page), not a 500."""
    this_month = dates.month_first(timezone.localdate())
    raw = request.GET.get("month", "").strip()
    if not raw:
        return this_month
    month = dates.parse_month(raw)
    if month is None and say:
        messages.warning(
            request,
            f"月の指定「{raw[:20]}」が正しくないため、{dates.month_ja(this_month)}を表示しています"
            "（「2026-04」のように指定します）。",
        )
    return month or this_month


def _month_nav(url: str, month: dt.date, *, future: bool = False) -> dict[str, Any]:
    """The month picker and the previous / next month links (figure pages stop at this
    month; the plan page goes on, since a plan is set before its month)."""
    this_month = dates.month_first(timezone.localdate())
    previous, following = dates.months_add(month, -1), dates.months_add(month, 1)
    return {
        "action": url,
        "month": month,
        "value": dates.month_value(month),
        "label": dates.month_ja(month),
        "previous_url": f"{url}?month={dates.month_value(previous)}",
        "previous_label": dates.month_ja(previous),
        "next_url": f"{url}?month={dates.month_value(following)}"
        if future or following <= this_month
        else "",
        "next_label": dates.month_ja(following),
        "is_current": month == this_month,
    }


def _policy_view(policy: VisitPolicy) -> dict[str, Any]:
    """The policy in force, as the page says it: the default cycle, the shorter cycles of
    cards with care points, and the kinds of card counted."""
    shorter = []
    for name in VisitPolicy.CARE_CYCLES.values():
        days = getattr(policy, name)
        if days:
            label = str(VisitPolicy._meta.get_field(name).verbose_name).replace("（日）", "")
            shorter.append({"label": label, "days": days})
    return {
        "default_days": policy.default_cycle_days,
        "shorter": shorter,
        "kinds": [_KIND_LABELS[kind] for kind in policy.kinds],
        "is_default": policy.pk is None,
        "changed_at": policy.changed_at if policy.pk else None,
    }


def _month_plans(*, station: Station, month: dt.date) -> dict[int, MonthlyPlan]:
    """The station's plans of the month by officer id: one query. (The figures' selector
    carries the planned households only; the pages also show the areas and who set it.)"""
    plans = MonthlyPlan.objects.filter(
        station=station, month=dates.month_first(month)
    ).select_related("set_by")
    return {plan.officer_id: plan for plan in plans}


def _dedicated_counts(*, station: Station, month: dt.date) -> dict[int, list[dt.date]]:
    days: dict[int, list[dt.date]] = {}
    for day in planning_selectors.dedicated_day_list(station=station, month=month):
        days.setdefault(day.officer_id, []).append(day.date)
    return days


# --- 進捗管理: the entry page, and HQ's view of every station ------------------------------
@GET_ONLY
@login_required
def progress_home(request: HttpRequest) -> HttpResponse:
    if not permissions.holds_anywhere(request.user, "review_progress", Station):
        raise PermissionDenied("巡回連絡の進捗を確認する権限がありません。")
    stations = list(planning_selectors.review_station_list(user=request.user)[:2])
    month = _month_from(request)
    if len(stations) == 1:
        url = reverse("liaison:station_progress", kwargs={"pk": stations[0].pk})
        return redirect(f"{url}?month={dates.month_value(month)}")
    today = timezone.localdate()
    rows = progress_selectors.hq_progress_get(user=request.user, month=month, today=today)
    total = progress_selectors.Progress()
    for _, progress in rows:
        total.add(progress)
    trend = progress_selectors.visit_trend_get(
        station_ids=[station.pk for station, _ in rows], months=TREND_MONTHS, today=month
    )
    return render(
        request,
        "liaison/progress/hq.html",
        {
            "rows": rows,
            "total": total,
            "month_nav": _month_nav(reverse("liaison:progress_home"), month),
            "month_label": dates.month_ja(month),
            "chart": _trend_chart(trend),
            "today": today,
        },
    )


# --- One station ----------------------------------------------------------------------------
@GET_ONLY
@login_required
def station_progress(request: HttpRequest, pk: int) -> HttpResponse:
    station = planning_selectors.review_station_get(user=request.user, pk=pk)
    month = _month_from(request)
    today = timezone.localdate()
    figures = progress_selectors.station_progress_get(
        station=station, month=month, today=today, user=request.user
    )
    plans = figures.plans
    dedicated = _dedicated_counts(station=station, month=month)
    trend = progress_selectors.visit_trend_get(
        station_ids=[station.pk], months=TREND_MONTHS, today=month
    )
    month_query = f"?month={dates.month_value(month)}"
    # The overdue cards are listed to those who read the books: a reviewer who reads cards
    # reads the whole station's (ROLE_GRANTS); the 地域部長 reads none. The drill-down checks
    # again; asked of the permissions the menu has loaded, this costs no query.
    reads_cards = permissions.holds_anywhere(request.user, "view_beat_cards", Beat)
    beats = [
        {
            "beat": beat,
            "progress": progress,
            "overdue_url": reverse("liaison:overdue_cards", kwargs={"pk": beat.pk})
            if reads_cards
            else "",
        }
        for beat, progress in figures.beats
    ]
    officers = [
        {
            "officer": officer,
            "progress": progress,
            "plan": plans.get(officer.pk),
            "dedicated_days": len(dedicated.get(officer.pk, [])),
            "url": reverse(
                "liaison:officer_figures", kwargs={"pk": station.pk, "user_pk": officer.pk}
            ),
        }
        for officer, progress in figures.officers
    ]
    return render(
        request,
        "liaison/progress/station.html",
        {
            "station": station,
            "figures": figures,
            "total": figures.total,
            "beats": beats,
            "officers": officers,
            "planned_total": sum(p.planned_households for p in plans.values()) if plans else None,
            "policy": _policy_view(figures.policy),
            "month_label": dates.month_ja(month),
            "month_nav": _month_nav(
                reverse("liaison:station_progress", kwargs={"pk": station.pk}), month
            ),
            "month_query": month_query,
            "chart": _trend_chart(trend),
            "today": today,
            "reviews_many": _reviews_many(request.user),
            "instructions": instruction_lines(figures.rule),
        },
    )


def _reviews_many(user: User) -> bool:
    """Whether the user reviews more than one station (then 進捗管理 is the list of them)."""
    return len(planning_selectors.review_station_ids(user=user)) > 1


# --- 期限超過のカード (drill-down) ----------------------------------------------------------------
@GET_ONLY
@login_required
def overdue_cards(request: HttpRequest, pk: int) -> HttpResponse:
    book = books_selectors.book_get(user=request.user, pk=pk)
    beat = book.beat
    station = beat.post.station
    reviewer = permissions.has_perm(request.user, "review_progress", station)
    if not (reviewer or permissions.has_perm(request.user, "change_beat_cards", beat)):
        raise PermissionDenied("この受持区の進捗を確認する権限がありません。")
    today = timezone.localdate()
    rule = planning_selectors.station_due_rule_get(station=station, today=today)
    policy = rule.policy
    cards = progress_selectors.overdue_card_list(user=request.user, book=book, rule=rule)
    page = Paginator(cards, OVERDUE_PAGE_SIZE).get_page(page_number(request))
    rows = []
    for card in page.object_list:
        cycle = policy.cycle_for(card)
        due_on = rule.due_on(card)
        rows.append(
            {
                "url": reverse("liaison:card_detail", kwargs={"pk": card.pk}),
                "name": card.head_name or "（未記入）",
                "kind": _KIND_LABELS.get(card.kind, card.kind),
                "address": card.short_address or "（住所未記入）",
                "last_visit": text.date_ja(card.last_visit_on) or "未訪問",
                "due_on": text.date_ja(due_on),
                "overdue_days": rule.overdue_days(card),
                "cycle": cycle,
                "never_visited": card.last_visit_on is None,
                "care": "、".join(card.care_points),
            }
        )
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.LIST,
        object_type="liaison.liaisoncard",
        station=station,
        summary=f"期限超過のカード（{beat.post.name} {beat.name}） {page.paginator.count}件"
        f"（{page.number}ページ目）",
    )
    return render(
        request,
        "liaison/progress/overdue.html",
        {
            "book": book,
            "beat": beat,
            "station": station,
            "page": page,
            "rows": rows,
            "today": today,
            "policy": _policy_view(policy),
            "reviewer": reviewer,
            "instructions": instruction_lines(rule),
        },
    )


@GET_ONLY
@login_required
def station_progress_export(request: HttpRequest, pk: int) -> HttpResponse:
    station = planning_selectors.review_station_get(user=request.user, pk=pk)
    # A file has no place for a message: a wrong month is this month, as its name says.
    month = _month_from(request, say=False)
    figures = progress_selectors.station_progress_get(
        station=station, month=month, today=timezone.localdate(), user=request.user
    )
    plans = figures.plans
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.EXPORT,
        obj=station,
        station=station,
        summary=f"巡回連絡の進捗（{dates.month_ja(month)}）をCSVで出力 受持区{len(figures.beats)}件・"
        f"受持警察官{len(figures.officers)}件",
    )
    filename = f"巡回連絡の進捗_{station.name}_{month:%Y%m}.csv"
    return csv_response(CSV_HEADER, progress_rows(figures, plans), filename=filename)


@GET_POST
@login_required
def monthly_plans(request: HttpRequest, pk: int) -> HttpResponse:
    scope = plan_scope_get(user=request.user, pk=pk)
    station = scope.station
    url = reverse("liaison:monthly_plans", kwargs={"pk": station.pk})
    form = None
    if request.method == "POST":
        plan_officer_check(scope, request.POST.get("officer", ""))
        form = MonthlyPlanForm(request.POST, officers=scope.editable)
        if form.is_valid():
            data = form.cleaned_data
            officer = next(o for o in scope.editable if o.pk == data["officer"])
            with Attempt(form) as attempt:
                services.monthly_plan_set(
                    actor=request.user,
                    station=station,
                    officer=officer,
                    month=data["month"],
                    planned_households=data["planned_households"],
                    areas=data["areas"],
                    note=data["note"],
                )
            if attempt.ok:
                messages.success(
                    request,
                    f"{officer.full_name}の{dates.month_ja(data['month'])}の計画を保存しました。",
                )
                return redirect(f"{url}?month={dates.month_value(data['month'])}")
        month = form.cleaned_data.get("month") or dates.month_first(timezone.localdate())
    else:
        month = _month_from(request)
    plans = _month_plans(station=station, month=month)
    dedicated = _dedicated_counts(station=station, month=month)
    if form is None and scope.editable:
        chosen = _chosen_officer(request, scope)
        plan = plans.get(chosen.pk) if chosen else None
        form = MonthlyPlanForm(
            initial={
                "officer": chosen.pk if chosen else None,
                "month": month,
                "planned_households": plan.planned_households if plan else None,
                "areas": plan.areas if plan else "",
                "note": plan.note if plan else "",
            },
            officers=scope.editable,
        )
    editable = {officer.pk for officer in scope.editable}
    rows = [
        {
            "officer": officer,
            "plan": plans.get(officer.pk),
            "dedicated_days": [text.date_ja(day) for day in dedicated.get(officer.pk, [])],
            "edit_url": f"{url}?month={dates.month_value(month)}&officer={officer.pk}#plan-form"
            if officer.pk in editable
            else "",
        }
        for officer in scope.officers
    ]
    return render(
        request,
        "liaison/progress/plans.html",
        {
            "station": station,
            "scope": scope,
            "rows": rows,
            "form": form,
            "month_label": dates.month_ja(month),
            "month_nav": _month_nav(url, month, future=True),
            "month_query": f"?month={dates.month_value(month)}",
        },
    )


def _chosen_officer(request: HttpRequest, scope: PlanScope) -> User | None:
    """?officer=<pk> picks the row to edit; a lone editable officer is picked anyway."""
    try:
        wanted = int(request.GET.get("officer", ""))
    except ValueError:
        wanted = None
    for officer in scope.editable:
        if officer.pk == wanted:
            return officer
    return scope.editable[0] if len(scope.editable) == 1 else None


@GET_ONLY
@login_required
def my_plans(request: HttpRequest) -> HttpResponse:
    """The menu entry of a beat officer: the plan page of his station."""
    beat = (
        permissions.beats_for(request.user, "record_visits")
        .select_related("post")
        .order_by("post__station_id")
        .first()
    )
    if beat is None:
        raise PermissionDenied("受持区の指定がないため、巡回連絡の計画はありません。")
    url = reverse("liaison:monthly_plans", kwargs={"pk": beat.post.station_id})
    return redirect(url)
