"""Drafting an alert (seed 003 5⑵⑶, seed 004 5⑵): the draft form with its category's rules
beside it and the privacy check as the author types (both htmx fragments), the edit of a
draft with the stale-edit check, and the preview exactly as the mail will read on a phone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from accounts.exceptions import PermissionDenied, StaleEditError
from accounts.inputs import parse_id
from accounts.models import Municipality, Station
from accounts.utils.http import GET_ONLY, GET_POST, POST_ONLY, Attempt
from alerts.chain.models import Scope
from alerts.drafts import policy, selectors, services
from alerts.drafts.forms import CHECKED_FIELDS, CHECKED_LIMITS, AlertForm, active_categories
from alerts.drafts.models import Alert
from alerts.privacy import checker

from .common import alert_flag_rows, desk_labels, flag_row, mail_context, require_alert_desk

NOT_AN_AUTHOR = "配信文を作成できるのは、あんしんメールの作成者の発令を受けた職員です。"


def _stations():
    return Station.objects.order_by("code")


def _municipalities():
    return Municipality.objects.select_related("station").order_by("station__code", "code")


def _form_page(request: HttpRequest, form: AlertForm, context: dict, status: int = 200):
    category = None
    if form.is_bound and form.is_valid():
        category = form.cleaned_data["category"]
    elif form.is_bound:
        category = _category(form.data.get("category"))
    else:
        category = _category(form.initial.get("category"))
    if form.is_bound:
        texts = {name: str(form.data.get(name, "")) for name in CHECKED_FIELDS}
        rows = [
            flag_row(name, flag) for name, text in texts.items() for flag in checker.check(text)
        ]
    elif context.get("alert") is not None:
        rows = alert_flag_rows(context["alert"])
    else:
        rows = []
    return render(
        request,
        "alerts/drafts/form.html",
        {"form": form, "category": category, "flag_rows": rows, **context},
        status=status,
    )


def _category(value):
    pk = parse_id(value)
    return active_categories().filter(pk=pk).first() if pk else None


@GET_POST
@login_required
def alert_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    desks = policy.author_desks(user)
    if not desks:
        raise PermissionDenied(NOT_AN_AUTHOR)
    labelled = desk_labels(user, desks)
    own_stations = [d.station_id for d in desks if d.station_id]
    form = AlertForm(
        request.POST or None,
        desks=labelled,
        stations=_stations(),
        municipalities=_municipalities(),
        initial={
            "scope": Scope.STATION if own_stations else Scope.PREFECTURE,
            "area_stations": own_stations[:1],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        with Attempt(form) as attempt:
            alert = services.alert_create(
                actor=user,
                desk=form.chosen_desk,
                category=form.cleaned_data["category"],
                **data,
            )
        if attempt.ok:
            messages.success(
                request,
                "配信文を保存しました。内容を確かめ、「報告（承認申請）」を押してください。",
            )
            return redirect("alerts:alert_detail", pk=alert.pk)
    return _form_page(
        request,
        form,
        {"here": "配信文の作成", "cancel_url": reverse("alerts:alert_list")},
    )


def draft_form(request: HttpRequest, alert: Alert, data=None) -> AlertForm:
    """The draft form of an existing alert (its edit, and a refused report shown at the
    field it concerns)."""
    return AlertForm(
        data,
        stations=_stations(),
        municipalities=_municipalities(),
        editing=True,
        initial=AlertForm.initial_for(alert),
    )


def draft_page(request: HttpRequest, alert: Alert, form: AlertForm, status: int = 200):
    return _form_page(
        request,
        form,
        {
            "here": "配信文の編集",
            "alert": alert,
            "parent": alert.parent,
            "form_action": reverse("alerts:alert_edit", kwargs={"pk": alert.pk}),
            "cancel_url": reverse("alerts:alert_detail", kwargs={"pk": alert.pk}),
        },
        status=status,
    )


@GET_POST
@login_required
def alert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get(request.user, pk)
    if not policy.may_edit(request.user, alert):
        if alert.author_id != request.user.pk:
            raise PermissionDenied("配信文を直せるのは、作成した職員だけです。")
        messages.error(request, f"「{alert.get_status_display()}」の配信文は直せません。")
        return redirect("alerts:alert_detail", pk=alert.pk)
    form = draft_form(request, alert, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        with Attempt(form) as attempt:
            services.alert_update(
                actor=request.user,
                alert=alert,
                version=form.cleaned_data["version"],
                category=form.cleaned_data["category"],
                **data,
            )
        if attempt.ok:
            messages.success(request, "配信文を保存しました。")
            return redirect("alerts:alert_detail", pk=alert.pk)
        if isinstance(attempt.error, StaleEditError):
            # Keep what was typed; the next save goes over the version now current, once
            # the author has looked at what the other person changed.
            current = Alert.objects.get(pk=alert.pk)
            form.data = form.data.copy()
            form.data["version"] = str(current.version)
            messages.error(request, attempt.error.message)
            status = 409
    return draft_page(request, alert, form, status=status)


# --- htmx fragments ------------------------------------------------------------------------------


def _fragment(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@POST_ONLY
@login_required
def privacy_check(request: HttpRequest) -> HttpResponse:
    """The flags of what the author has typed so far (always a 200: htmx swaps nothing on
    an error status). Text past a field's length is cut, never a 500."""
    require_alert_desk(request)
    rows = []
    for name in CHECKED_FIELDS:
        text = str(request.POST.get(name, ""))[: CHECKED_LIMITS[name]]
        rows += [flag_row(name, flag) for flag in checker.check(text)]
    return _fragment(request, "alerts/drafts/partials/privacy_flags.html", {"flag_rows": rows})


@GET_ONLY
@login_required
def category_rules(request: HttpRequest) -> HttpResponse:
    """The box beside the category: its definition, kinds, exclusions, records, urgency."""
    require_alert_desk(request)
    return _fragment(
        request,
        "alerts/drafts/partials/category_rules.html",
        {"category": _category(request.GET.get("category"))},
    )


# --- Preview -------------------------------------------------------------------------------------


@GET_ONLY
@login_required
def alert_preview(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get(request.user, pk)
    return render(
        request,
        "alerts/drafts/preview.html",
        {"here": "配信イメージ", "alert": alert, **mail_context(alert)},
    )
