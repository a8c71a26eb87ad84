"""HQ manages staff, appointments (人事異動) and beat assignments in the browser.

Only an appointments manager (統括管理責任者) gets anything here: the list answers 403 to
anyone else, and every page about one person or appointment answers 404 (the selectors
raise OutOfScope), so that nobody else learns who exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from .. import permissions, selectors, services
from ..exceptions import PermissionDenied
from ..forms.people import (
    AppointmentForm,
    BeatAssignmentForm,
    EnableForm,
    EndForm,
    ReasonForm,
    UserCreateForm,
)
from ..inputs import query_text
from ..models import AccessEvent
from ..utils.http import GET_ONLY, GET_POST, POST_ONLY, Attempt


def manager_required(view: Callable) -> Callable:
    """403 for pages that show no object (the list, the new-person form)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not permissions.can_manage_appointments(request.user):
            raise PermissionDenied("職員・役職の管理は統括管理責任者のみが行えます。")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


# --- People ------------------------------------------------------------------------------


@GET_ONLY
@manager_required
def user_list(request: HttpRequest) -> HttpResponse:
    query = query_text(request, "q", max_length=60)
    page = selectors.user_page(user=request.user, query=query, page_number=request.GET.get("page"))
    # Staff records are personal data too. The terms themselves (names) stay out of the log.
    services.access_event_record(
        user=request.user,
        action=AccessEvent.Action.SEARCH if query else AccessEvent.Action.LIST,
        object_type="accounts.user",
        summary=f"職員{'検索' if query else '一覧'} {page.paginator.count}件"
        f"（{page.number}ページ目）",
    )
    return render(request, "accounts/people/user_list.html", {"page": page, "query": query})


@GET_POST
@manager_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Without a field name the error can only be the password validators'.
        with Attempt(form, default_field="password") as attempt:
            person = services.user_create(actor=request.user, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, f"{person.full_name}さんを登録しました。")
            return redirect("accounts:user_detail", pk=person.pk)
    return render(request, "accounts/people/user_form.html", {"form": form})


@GET_ONLY
@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.person_detail_get(user=request.user, pk=pk)
    services.access_event_record(
        user=request.user, action=AccessEvent.Action.VIEW, obj=detail.person
    )
    return render(
        request,
        "accounts/people/user_detail.html",
        {"detail": detail, "person": detail.person, "enable_form": EnableForm()},
    )


@POST_ONLY
@login_required
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.user_get(user=request.user, pk=pk)
    services.user_unlock(actor=request.user, user=person)
    messages.success(request, f"{person.full_name}さんのロックを解除しました。")
    return redirect("accounts:user_detail", pk=person.pk)


@GET_POST
@login_required
def user_disable(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.user_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            services.user_disable(actor=request.user, user=person, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, f"{person.full_name}さんのアカウントを無効にしました。")
            return redirect("accounts:user_detail", pk=person.pk)
    return render(request, "accounts/people/user_disable.html", {"person": person, "form": form})


@POST_ONLY
@login_required
def user_enable(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.user_get(user=request.user, pk=pk)
    form = EnableForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    with Attempt(request=request) as attempt:
        services.user_enable(actor=request.user, user=person, reason=reason)
    if attempt.ok:
        messages.success(request, f"{person.full_name}さんのアカウントを有効にしました。")
    return redirect("accounts:user_detail", pk=person.pk)


# --- Appointments (人事異動) ----------------------------------------------------------------


@GET_POST
@login_required
def appointment_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.user_get(user=request.user, pk=pk)
    form = AppointmentForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            appointment = services.appointment_start(
                actor=request.user, user=person, **form.service_kwargs()
            )
        if attempt.ok:
            messages.success(
                request,
                f"{person.full_name}さんを{appointment.get_role_display()}"
                f"（{appointment.unit}）に発令しました。",
            )
            return redirect("accounts:user_detail", pk=person.pk)
    return render(
        request, "accounts/people/appointment_form.html", {"person": person, "form": form}
    )


@GET_POST
@login_required
def appointment_end(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            services.appointment_end(
                actor=request.user, appointment=appointment, **form.cleaned_data
            )
        if attempt.ok:
            messages.success(
                request,
                f"{appointment.user.full_name}さんの{appointment.get_role_display()}"
                "の発令を終了しました。",
            )
            return redirect("accounts:user_detail", pk=appointment.user_id)
    return render(
        request,
        "accounts/people/appointment_end.html",
        {"appointment": appointment, "person": appointment.user, "form": form},
    )


# --- Beat assignments (受持警察官の指定) -----------------------------------------------------


@GET_POST
@login_required
def beat_assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.user_get(user=request.user, pk=pk)
    form = BeatAssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            assignment = services.beat_assignment_start(
                actor=request.user, officer=person, **form.cleaned_data
            )
        if attempt.ok:
            messages.success(
                request, f"{person.full_name}さんを{assignment.beat}の受持警察官に指定しました。"
            )
            return redirect("accounts:user_detail", pk=person.pk)
    return render(
        request, "accounts/people/beat_assignment_form.html", {"person": person, "form": form}
    )


@GET_POST
@login_required
def beat_assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.beat_assignment_get(user=request.user, pk=pk)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            services.beat_assignment_end(
                actor=request.user, assignment=assignment, **form.cleaned_data
            )
        if attempt.ok:
            messages.success(
                request,
                f"{assignment.officer.full_name}さんの{assignment.beat}の指定を終了しました。",
            )
            return redirect("accounts:user_detail", pk=assignment.officer_id)
    return render(
        request,
        "accounts/people/beat_assignment_end.html",
        {"assignment": assignment, "person": assignment.officer, "form": form},
    )


urlpatterns = [
    path("people/", user_list, name="user_list"),
    path("people/new/", user_create, name="user_create"),
    path("people/<id:pk>/", user_detail, name="user_detail"),
    path("people/<id:pk>/unlock/", user_unlock, name="user_unlock"),
    path("people/<id:pk>/disable/", user_disable, name="user_disable"),
    path("people/<id:pk>/enable/", user_enable, name="user_enable"),
    path("people/<id:pk>/appointments/new/", appointment_create, name="appointment_create"),
    path("appointments/<id:pk>/end/", appointment_end, name="appointment_end"),
    path("people/<id:pk>/beats/new/", beat_assignment_create, name="beat_assignment_create"),
    path("beat-assignments/<id:pk>/end/", beat_assignment_end, name="beat_assignment_end"),
]
