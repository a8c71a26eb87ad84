"""指導・評価 (要領 第3-2(4)): on an officer's period page (liaison/views/progress.py) the
地域課長等 over his beat writes 具体的な指導 and the 署長 評価・賞揚; the officer reads them on
his own page, reached from 「実績と指導・評価」 in his menu.

Who answers what: the page of an officer outside the user's remit is a 404 (as the page
itself); in scope, a kind of note the user may not write is a 403 and writes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse

from accounts import permissions
from accounts.exceptions import DomainError, PermissionDenied
from liaison.guidance.models import OfficerNote

from ..forms.guidance import OfficerNoteForm
from ..guidance import services
from ._common import GET_ONLY, POST_ONLY, refused
from .progress import officer_page, officer_page_scope

GUIDANCE = [OfficerNote.Kind.GUIDANCE]
EVALUATION = [OfficerNote.Kind.EVALUATION, OfficerNote.Kind.COMMENDATION]


def _kinds_for(request: HttpRequest, station) -> list[str]:
    """The kinds the posted form offers: the one posted, else those the user may write."""
    user = request.user
    kind = request.POST.get("kind", "")
    guides = permissions.has_perm(user, "guide_officers", station)
    evaluates = permissions.has_perm(user, "evaluate_officers", station)
    if kind in EVALUATION or (kind not in GUIDANCE and evaluates and not guides):
        if not evaluates:
            raise PermissionDenied("評価・賞揚を記録できるのは警察署長です。")
        return EVALUATION
    if not guides:
        raise PermissionDenied("具体的な指導を記録できるのは地域課長等です。")
    return GUIDANCE


@POST_ONLY
@login_required
def officer_note_create(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    station, officer, own = officer_page_scope(request.user, pk, user_pk)
    if own:
        raise PermissionDenied("自分についての指導・評価は記録できません。")
    form = OfficerNoteForm(request.POST, kinds=_kinds_for(request, station))
    if form.is_valid():
        data = form.cleaned_data
        try:
            note = services.officer_note_add(
                actor=request.user,
                station=station,
                officer=officer,
                kind=data["kind"],
                body=data["body"],
                period_from=data.get("period_from"),
                period_to=data.get("period_to"),
            )
        except (DomainError, ValidationError) as exc:
            refused(form, exc)
        else:
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


urlpatterns: list = [
    path("progress/me/", my_figures, name="my_figures"),
    path(
        "progress/stations/<id:pk>/officers/<id:user_pk>/notes/",
        officer_note_create,
        name="officer_note_create",
    ),
]
