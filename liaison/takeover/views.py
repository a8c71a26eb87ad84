"""受持区の引継ぎ: the beats a user may read the takeover of, and one takeover page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import AccessEvent, BeatAssignment
from accounts.services import access_event_record
from accounts.utils.http import GET_ONLY, GET_POST, page_number, refused
from liaison.planning.views import CARD_OBJECT
from liaison.takeover import selectors as takeover_selectors
from liaison.takeover import services as takeover_services
from liaison.takeover.forms import TakeoverConfirmForm
from liaison.takeover.panels import may_list_takeovers
from liaison.takeover.selectors import takeover_predecessor_ids

TAKEOVERS_PER_PAGE = 25


def _confirmation(assignment: BeatAssignment):
    return getattr(assignment, "takeover", None)


@GET_ONLY
@login_required
def takeover_list(request: HttpRequest) -> HttpResponse:
    """His own beats, and the beats he supervises or reviews: whether the officer has read
    his predecessor's record, those still to confirm first."""
    user = request.user
    if not may_list_takeovers(user):
        raise PermissionDenied("受持区の引継ぎは、受持警察官とその監督者が見るページです。")
    assignments = takeover_selectors.takeover_assignment_list(user=user)
    followed = takeover_predecessor_ids(assignments)
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
        "liaison/takeover/takeover_list.html",
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
        # Not Attempt: a takeover already confirmed is said as a message, not at the form.
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
    summary = takeover_selectors.takeover_summary_get(
        assignment=assignment, today=timezone.localdate()
    )
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
        "liaison/takeover/takeover.html",
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
