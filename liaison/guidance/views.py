"""指導・評価 (要領 第3-2(4)): an officer's period page (figures, trend, notes), his own
figures, and the notes his superiors write on it."""

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
from accounts.models import Station, User
from accounts.utils import dates
from accounts.utils.http import GET_ONLY, POST_ONLY, Attempt
from liaison import text
from liaison.guidance import services
from liaison.guidance.forms import OfficerNoteForm
from liaison.guidance.policy import note_kinds_for
from liaison.guidance.selectors import officer_page_get
from liaison.planning.models import MonthlyPlan
from liaison.progress import selectors as progress_selectors
from liaison.progress.forms import PeriodForm

NOTES_PER_PAGE = 20


EVALUATION_MONTHS = 6


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
    from liaison.guidance.forms import OfficerNoteForm
    from liaison.guidance.models import OfficerNote
    from liaison.guidance.selectors import officer_note_list

    today = timezone.localdate()
    form = PeriodForm(
        request.GET,
        default_start=dates.months_add(dates.month_first(today), 1 - EVALUATION_MONTHS),
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
        totals, by_month = progress_selectors.officer_figures_get(
            officer=officer, station=station, start=start, end=end
        )
        plans = {
            plan.month: plan
            for plan in MonthlyPlan.objects.filter(
                officer=officer,
                station=station,
                month__gte=dates.month_first(start),
                month__lte=end,
            )
        }
        found = {month: (visits, met) for month, visits, met in by_month}
        months = []
        month = dates.month_first(start)
        while month <= end:
            visits, met = found.get(month, (0, 0))
            plan = plans.get(month)
            months.append(
                {
                    "label": dates.month_ja(month),
                    "planned": plan.planned_households if plan else None,
                    "areas": plan.areas if plan else "",
                    "visits": visits,
                    "met": met,
                }
            )
            month = dates.months_add(month, 1)
        context.update(
            totals=totals,
            months=months,
            planned_total=sum(plan.planned_households for plan in plans.values()),
            plan_count=len(plans),
            period=f"{text.date_ja(start)}から{text.date_ja(end)}まで",
        )
    notes = Paginator(officer_note_list(station=station, officer=officer), NOTES_PER_PAGE).get_page(
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
    return render(request, "liaison/guidance/officer.html", context, status=status)


@GET_ONLY
@login_required
def officer_figures(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    station, officer, own = officer_page_get(request.user, pk, user_pk)
    return officer_page(request, station, officer, own=own)


@POST_ONLY
@login_required
def officer_note_create(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    station, officer, own = officer_page_get(request.user, pk, user_pk)
    if own:
        raise PermissionDenied("自分についての指導・評価は記録できません。")
    form = OfficerNoteForm(
        request.POST, kinds=note_kinds_for(request.user, station, request.POST.get("kind", ""))
    )
    if form.is_valid():
        data = form.cleaned_data
        with Attempt(form) as attempt:
            note = services.officer_note_add(
                actor=request.user,
                station=station,
                officer=officer,
                kind=data["kind"],
                body=data["body"],
                period_from=data.get("period_from"),
                period_to=data.get("period_to"),
            )
        if attempt.ok:
            messages.success(
                request,
                f"{officer.full_name}さんへの{note.get_kind_display()}を記録しました。"
                "本人のページに表示され、お知らせが届きます。",
            )
            url = reverse("liaison:officer_figures", kwargs={"pk": pk, "user_pk": user_pk})
            query = request.GET.urlencode()
            return redirect(f"{url}?{query}#notes" if query else f"{url}#notes")
    return officer_page(request, station, officer, own=False, note_form=form)


@GET_ONLY
@login_required
def my_figures(request: HttpRequest) -> HttpResponse:
    """The menu's way to the officer's own page: his figures, guidance and evaluation."""
    beat = (
        permissions.beats_for(request.user, "record_visits")
        .select_related("post")
        .order_by("post__station_id")
        .first()
    )
    if beat is None:
        raise PermissionDenied(
            "受持区の指定がないため、巡回連絡の実績と指導・評価のページはありません。"
        )
    return redirect("liaison:officer_figures", pk=beat.post.station_id, user_pk=request.user.pk)
