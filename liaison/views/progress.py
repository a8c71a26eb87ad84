"""計画・進捗の管理 (要領 第5; issue 4 points 5 and 6): the 地域課長等 and the 署長 compare
each officer's monthly plan with the result, per beat and per officer; HQ sees the same
across stations; overdue cards can be listed per book; an officer's figures over a period
support his evaluation; visits on 巡回連絡専従日 are shown apart.

Who answers what:
- the figure pages (station, HQ, CSV, officer figures) are for reviewers of the station
  (`review_progress`): a station outside that scope is a 404, and anyone who reviews no
  station at all gets a 403 on the entry page. A 地域課長等 of one 地域課 sees his posts'
  beats and officers only (要領 第3-2(4)); an officer reads his own figures page, with the
  guidance and evaluation written to him (liaison/views/guidance.py);
- the overdue list of a book is for whoever sees the book (else 404) and either reviews its
  station or writes its cards (the beat officer, the 取扱責任者, the 地域課長等); anyone else
  who sees it gets a 403;
- the plan page: reviewers see every officer of the station; the station's own managers
  (`set_dedicated_days`: 地域課長等, 署長) set anyone's plan; HQ reads only; a beat officer of
  the station sees and sets his own plan only.

The figure pages show counts only, so they record no AccessEvent; the overdue list shows
names and addresses (a LIST event) and the CSV leaves the building (an EXPORT event).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from accounts import dates, permissions
from accounts.exceptions import DomainError, OutOfScope, PermissionDenied
from accounts.forms.months import parse_month
from accounts.models import AccessEvent, Beat, Station, User
from accounts.services import access_event_record
from liaison import text
from liaison.books import selectors as books_selectors
from liaison.cards.models import CardKind
from liaison.planning import selectors as planning_selectors
from liaison.planning import services
from liaison.planning.models import MonthlyPlan, VisitPolicy
from liaison.progress import selectors as progress_selectors

from ..forms.progress import MonthlyPlanForm, PeriodForm, month_value
from ._common import GET_ONLY, GET_POST, instruction_lines, page_number, refused

OVERDUE_PAGE_SIZE = 50
NOTES_PER_PAGE = 20
TREND_MONTHS = 12
EVALUATION_MONTHS = 6
# Above this many stations the home panel shows the sum and a link, not a row per station.
PANEL_STATION_ROWS = 3

_KIND_LABELS = dict(CardKind.choices)


# --- Small helpers ------------------------------------------------------------------------


def _first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_label(month: dt.date) -> str:
    return dates.month_ja(month)


def _month_from(request: HttpRequest, *, say: bool = True) -> dt.date:
    """?month=YYYY-MM, else this month; a wrong value is said (on a page), not a 500."""
    this_month = _first(timezone.localdate())
    raw = request.GET.get("month", "").strip()
    if not raw:
        return this_month
    month = parse_month(raw)
    if month is None and say:
        messages.warning(
            request,
            f"月の指定「{raw[:20]}」が正しくないため、{_month_label(this_month)}を表示しています"
            "（「2026-04」のように指定します）。",
        )
    return month or this_month


def _month_nav(url: str, month: dt.date, *, future: bool = False) -> dict[str, Any]:
    """The month picker and the previous / next month links (figure pages stop at this
    month; the plan page goes on, since a plan is set before its month)."""
    this_month = _first(timezone.localdate())
    previous, following = _add_months(month, -1), _add_months(month, 1)
    return {
        "action": url,
        "month": month,
        "value": month_value(month),
        "label": _month_label(month),
        "previous_url": f"{url}?month={month_value(previous)}",
        "previous_label": _month_label(previous),
        "next_url": f"{url}?month={month_value(following)}"
        if future or following <= this_month
        else "",
        "next_label": _month_label(following),
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
    plans = MonthlyPlan.objects.filter(station=station, month=_first(month)).select_related(
        "set_by"
    )
    return {plan.officer_id: plan for plan in plans}


def _dedicated_counts(*, station: Station, month: dt.date) -> dict[int, list[dt.date]]:
    days: dict[int, list[dt.date]] = {}
    for day in planning_selectors.dedicated_days(station=station, month=month):
        days.setdefault(day.officer_id, []).append(day.date)
    return days


# --- The trend chart: a server-drawn SVG (no script, no inline style) ----------------------

CHART_WIDTH, CHART_HEIGHT = 720, 260
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 52, 12, 16, 40


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10^k at or above value (at least 5): round axis ticks."""
    value = max(value, 5)
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


@dataclass
class TrendBar:
    month: dt.date
    label: str
    year: str  # under the first month and under each January
    visits: int
    night: int
    x: float
    visits_y: float
    visits_height: float
    night_x: float
    night_y: float
    night_height: float
    label_x: float


def _trend_chart(rows: list[tuple[dt.date, int, int]]) -> dict[str, Any]:
    top = _nice_ceiling(max((visits for _, visits, _ in rows), default=0))
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    baseline = CHART_TOP + plot_height
    group = plot_width / max(len(rows), 1)
    bar = group * 0.36
    bars = []
    for index, (month, visits, night) in enumerate(rows):
        x = CHART_LEFT + index * group + group * 0.12
        visits_height = plot_height * visits / top
        night_height = plot_height * night / top
        bars.append(
            TrendBar(
                month=month,
                label=f"{month.month}月",
                year=f"{month.year}年" if month.month == 1 or not index else "",
                visits=visits,
                night=night,
                x=round(x, 1),
                visits_y=round(baseline - visits_height, 1),
                visits_height=round(visits_height, 1),
                night_x=round(x + bar + 2, 1),
                night_y=round(baseline - night_height, 1),
                night_height=round(night_height, 1),
                label_x=round(CHART_LEFT + index * group + group / 2, 1),
            )
        )
    # Five steps when the top is a 5 × 10^k (0, 1, … 5; 0, 10, … 50), else two (0, 1, 2).
    step = top // 5 if top % 5 == 0 else top // 2
    ticks = [
        {"value": value, "y": round(baseline - plot_height * value / top, 1)}
        for value in range(0, top + 1, step)
    ]
    first, last = (rows[0][0], rows[-1][0]) if rows else (None, None)
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "baseline": baseline,
        "label_y": baseline + 18,
        "year_y": baseline + 34,
        "bar_width": round(bar, 1),
        "bars": bars,
        "ticks": ticks,
        "period": f"{_month_label(first)}から{_month_label(last)}まで" if first else "",
        "total_visits": sum(visits for _, visits, _ in rows),
        "total_night": sum(night for _, _, night in rows),
    }


# --- 進捗管理: the entry page, and HQ's view of every station ------------------------------


@GET_ONLY
@login_required
def progress_home(request: HttpRequest) -> HttpResponse:
    if not permissions.holds_anywhere(request.user, "review_progress", Station):
        raise PermissionDenied("巡回連絡の進捗を確認する権限がありません。")
    stations = list(progress_selectors.review_stations(user=request.user)[:2])
    month = _month_from(request)
    if len(stations) == 1:
        url = reverse("liaison:station_progress", kwargs={"pk": stations[0].pk})
        return redirect(f"{url}?month={month_value(month)}")
    today = timezone.localdate()
    rows = progress_selectors.hq_progress(user=request.user, month=month, today=today)
    total = progress_selectors.Progress()
    for _, progress in rows:
        total.add(progress)
    trend = progress_selectors.visit_trend(
        station_ids=[station.pk for station, _ in rows], months=TREND_MONTHS, today=month
    )
    return render(
        request,
        "liaison/progress/hq.html",
        {
            "rows": rows,
            "total": total,
            "month_nav": _month_nav(reverse("liaison:progress_home"), month),
            "month_label": _month_label(month),
            "chart": _trend_chart(trend),
            "today": today,
        },
    )


# --- One station ----------------------------------------------------------------------------


@GET_ONLY
@login_required
def station_progress(request: HttpRequest, pk: int) -> HttpResponse:
    station = progress_selectors.review_station_get(user=request.user, pk=pk)
    month = _month_from(request)
    today = timezone.localdate()
    figures = progress_selectors.station_progress(
        station=station, month=month, today=today, user=request.user
    )
    plans = _month_plans(station=station, month=month)
    dedicated = _dedicated_counts(station=station, month=month)
    trend = progress_selectors.visit_trend(
        station_ids=[station.pk], months=TREND_MONTHS, today=month
    )
    month_query = f"?month={month_value(month)}"
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
            "month_label": _month_label(month),
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
    return progress_selectors.review_stations(user=user)[1:2].exists()


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
    rule = planning_selectors.station_due_rule(station=station, today=today)
    policy = rule.policy
    cards = progress_selectors.overdue_cards(user=request.user, book=book, rule=rule)
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


# --- CSV ---------------------------------------------------------------------------------------

CSV_HEADER = [
    "区分",
    "交番・駐在所",
    "受持区・受持警察官",
    "職員番号",
    "計画戸数",
    "対象件数",
    "周期内に実施",
    "実施率（%）",
    "要訪問",
    "期限超過",
    "当月の巡回連絡",
    "うち夜間",
    "うち専従日",
    "未了の対応",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A name that starts like a formula must stay text in Excel.
    return "'" + text if text.startswith(_FORMULA_START) else text


def _figures(progress) -> list[Any]:
    return [
        progress.to_visit,
        progress.visited,
        progress.coverage,
        progress.due,
        progress.overdue,
        progress.visits,
        progress.night_visits,
        progress.dedicated_visits,
        progress.follow_ups_open,
    ]


def progress_csv(figures, plans: dict[int, MonthlyPlan]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for beat, progress in figures.beats:
        writer.writerow(
            ["受持区", _cell(beat.post.name), _cell(beat.name), "", "", *_figures(progress)]
        )
    total = figures.total
    planned = sum(plan.planned_households for plan in plans.values())
    writer.writerow(["合計", "", "", "", planned if plans else "", *_figures(total)])
    for officer, progress in figures.officers:
        plan = plans.get(officer.pk)
        writer.writerow(
            [
                "受持警察官",
                "",
                _cell(officer.full_name),
                _cell(officer.employee_number),
                plan.planned_households if plan else "",
                *_figures(progress),
            ]
        )
    return "\ufeff" + out.getvalue()


@GET_ONLY
@login_required
def station_progress_export(request: HttpRequest, pk: int) -> HttpResponse:
    station = progress_selectors.review_station_get(user=request.user, pk=pk)
    # A file has no place for a message: a wrong month is this month, as its name says.
    month = _month_from(request, say=False)
    figures = progress_selectors.station_progress(
        station=station, month=month, today=timezone.localdate(), user=request.user
    )
    plans = _month_plans(station=station, month=month)
    body = progress_csv(figures, plans)
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.EXPORT,
        obj=station,
        station=station,
        summary=f"巡回連絡の進捗（{_month_label(month)}）をCSVで出力 受持区{len(figures.beats)}件・"
        f"受持警察官{len(figures.officers)}件",
    )
    filename = f"巡回連絡の進捗_{station.name}_{month:%Y%m}.csv"
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Officers' names: no cache on the way or in the browser keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


# --- 月間計画 ------------------------------------------------------------------------------------


@dataclass
class PlanScope:
    station: Station
    officers: list[User]  # the rows shown
    editable: list[User]  # whose plan the user may set
    station_officer_ids: set[int]  # every current beat officer of the station
    reviewer: bool  # reviews the station's progress (else: a beat officer of it)


def _plan_scope(user: User, pk: int) -> PlanScope:
    """Reviewers of the station see every officer; its own managers set anyone's plan (HQ,
    which reviews every station, reads only); a beat officer of the station sees and sets
    his own plan only. Anyone else: 404."""
    try:
        station = progress_selectors.review_station_get(user=user, pk=pk)
        reviewer = True
    except OutOfScope:
        beat = (
            permissions.beats_for(user, "record_visits")
            .filter(post__station_id=pk)
            .select_related("post__station__headquarters")
            .first()
        )
        if beat is None:
            raise
        station, reviewer = beat.post.station, False
    officers = planning_selectors.station_officers(station=station, user=user if reviewer else None)
    ids = (
        {o.pk for o in planning_selectors.station_officers(station=station)} if reviewer else set()
    )
    ids |= {officer.pk for officer in officers}
    own = [officer for officer in officers if officer.pk == user.pk]
    if not reviewer:
        return PlanScope(station, own, own, ids, reviewer=False)
    # The station's own managers (地域課長等, 署長) are those who also set its 専従日.
    manages = permissions.has_perm(user, "set_dedicated_days", station)
    return PlanScope(station, officers, officers if manages else own, ids, reviewer=True)


def _check_posted_officer(request: HttpRequest, scope: PlanScope) -> None:
    """Setting the plan of an officer of the station whom this user may not plan for is a
    403; a number that is no officer of the station is the form's error."""
    if not scope.editable:
        raise PermissionDenied("この警察署の計画を設定する権限がありません。")
    try:
        officer_pk = int(request.POST.get("officer", ""))
    except ValueError:
        return
    editable = {officer.pk for officer in scope.editable}
    if officer_pk in scope.station_officer_ids and officer_pk not in editable:
        raise PermissionDenied("自分の計画だけを設定できます。")


@GET_POST
@login_required
def monthly_plans(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _plan_scope(request.user, pk)
    station = scope.station
    url = reverse("liaison:monthly_plans", kwargs={"pk": station.pk})
    form = None
    if request.method == "POST":
        _check_posted_officer(request, scope)
        form = MonthlyPlanForm(request.POST, officers=scope.editable)
        if form.is_valid():
            data = form.cleaned_data
            officer = next(o for o in scope.editable if o.pk == data["officer"])
            try:
                services.monthly_plan_set(
                    actor=request.user,
                    station=station,
                    officer=officer,
                    month=data["month"],
                    planned_households=data["planned_households"],
                    areas=data["areas"],
                    note=data["note"],
                )
            except (ValidationError, DomainError) as exc:
                refused(form, exc)
            else:
                messages.success(
                    request,
                    f"{officer.full_name}の{_month_label(data['month'])}の計画を保存しました。",
                )
                return redirect(f"{url}?month={month_value(data['month'])}")
        month = form.cleaned_data.get("month") or _first(timezone.localdate())
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
            "edit_url": f"{url}?month={month_value(month)}&officer={officer.pk}#plan-form"
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
            "month_label": _month_label(month),
            "month_nav": _month_nav(url, month, future=True),
            "month_query": f"?month={month_value(month)}",
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


# --- 評価の参考: an officer's figures over a period ---------------------------------------------


def officer_page_scope(user: User, pk: int, user_pk: int) -> tuple[Station, User, bool]:
    """The station and officer of an officer's period page, and whether it is his own.
    An officer reads his own (要領 第3-2(4): the guidance and evaluation written to him); a
    reviewer of the station reads those of the officers within his remit (a 地域課長等 of
    one 地域課: its posts' officers). Anyone else: 404."""
    if user_pk == user.pk:
        beat = (
            permissions.beats_for(user, "record_visits")
            .filter(post__station_id=pk)
            .select_related("post__station")
            .first()
        )
        if beat is not None:
            return beat.post.station, user, True
    station = progress_selectors.review_station_get(user=user, pk=pk)
    officer = next(
        (
            o
            for o in planning_selectors.station_officers(station=station, user=user)
            if o.pk == user_pk
        ),
        None,
    )
    if officer is None:
        raise OutOfScope("accounts.user", str(user_pk))
    return station, officer, False


def officer_page(
    request: HttpRequest,
    station: Station,
    officer: User,
    *,
    own: bool,
    note_form=None,
    status: int = 200,
) -> HttpResponse:
    """評価の参考 and 指導・評価: the officer's figures over a period, and the notes the
    地域課長等 and the 署長 wrote to him, with their forms for those who may write."""
    from liaison.guidance.models import OfficerNote

    from ..forms.guidance import OfficerNoteForm
    from ..guidance.selectors import officer_notes

    today = timezone.localdate()
    form = PeriodForm(
        request.GET,
        default_start=_add_months(_first(today), 1 - EVALUATION_MONTHS),
        default_end=today,
    )
    context: dict[str, Any] = {
        "station": station,
        "officer": officer,
        "form": form,
        "own": own,
        "hide_station_link": own,
    }
    period: tuple[dt.date, dt.date] | None = None
    if form.is_valid():
        start, end = form.cleaned_data["from"], form.cleaned_data["to"]
        period = (start, end)
        totals, by_month = progress_selectors.officer_figures(
            officer=officer, station=station, start=start, end=end
        )
        plans = {
            plan.month: plan
            for plan in MonthlyPlan.objects.filter(
                officer=officer, station=station, month__gte=_first(start), month__lte=end
            )
        }
        found = {month: (visits, met) for month, visits, met in by_month}
        months = []
        month = _first(start)
        while month <= end:
            visits, met = found.get(month, (0, 0))
            plan = plans.get(month)
            months.append(
                {
                    "label": _month_label(month),
                    "planned": plan.planned_households if plan else None,
                    "areas": plan.areas if plan else "",
                    "visits": visits,
                    "met": met,
                }
            )
            month = _add_months(month, 1)
        context.update(
            totals=totals,
            months=months,
            planned_total=sum(plan.planned_households for plan in plans.values()),
            plan_count=len(plans),
            period=f"{text.date_ja(start)}から{text.date_ja(end)}まで",
        )
    notes = Paginator(officer_notes(station=station, officer=officer), NOTES_PER_PAGE).get_page(
        request.GET.get("notes")
    )
    forms_by_kind = {}
    if not own:
        initial = {"period_from": period[0], "period_to": period[1]} if period else {}
        if permissions.has_perm(request.user, "guide_officers", station):
            forms_by_kind["guidance"] = OfficerNoteForm(
                kinds=[OfficerNote.Kind.GUIDANCE], initial=initial
            )
        if permissions.has_perm(request.user, "evaluate_officers", station):
            forms_by_kind["evaluation"] = OfficerNoteForm(
                kinds=[OfficerNote.Kind.EVALUATION, OfficerNote.Kind.COMMENDATION],
                initial=initial,
            )
        if note_form is not None:
            slot = "guidance" if note_form.kinds == [OfficerNote.Kind.GUIDANCE] else "evaluation"
            forms_by_kind[slot] = note_form
    context.update(
        notes=notes,
        guidance_form=forms_by_kind.get("guidance"),
        evaluation_form=forms_by_kind.get("evaluation"),
        note_url=reverse(
            "liaison:officer_note_create", kwargs={"pk": station.pk, "user_pk": officer.pk}
        )
        + (f"?{request.GET.urlencode()}" if request.GET else ""),
    )
    return render(request, "liaison/progress/officer.html", context, status=status)


@GET_ONLY
@login_required
def officer_figures(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    station, officer, own = officer_page_scope(request.user, pk, user_pk)
    return officer_page(request, station, officer, own=own)


# --- Home panel ----------------------------------------------------------------------------------


def progress_panel(user: User) -> dict[str, Any]:
    """「巡回連絡の進捗」 on a reviewer's home page: this month's coverage and overdue of his
    stations, grouped by station in the selector's fixed four queries."""
    today = timezone.localdate()
    rows = progress_selectors.hq_progress(user=user, month=_first(today), today=today)
    total = progress_selectors.Progress()
    for _, progress in rows:
        total.add(progress)
    return {
        "rows": rows if len(rows) <= PANEL_STATION_ROWS else [],
        "station_count": len(rows),
        "total": total,
        "month_label": _month_label(_first(today)),
    }


urlpatterns: list = [
    path("progress/", progress_home, name="progress_home"),
    path("progress/plan/", my_plans, name="my_plans"),
    path("progress/stations/<id:pk>/", station_progress, name="station_progress"),
    path(
        "progress/stations/<id:pk>/export.csv",
        station_progress_export,
        name="station_progress_export",
    ),
    path("progress/stations/<id:pk>/plans/", monthly_plans, name="monthly_plans"),
    path(
        "progress/stations/<id:pk>/officers/<id:user_pk>/",
        officer_figures,
        name="officer_figures",
    ),
    path("progress/books/<id:pk>/overdue/", overdue_cards, name="overdue_cards"),
]
