"""An alert's page and what is done from it: reporting the draft (承認申請), each step's
decision (approve, or return with a comment; the last approver of an urgent category may
send outside the sending hours), an approver's override of a privacy flag, cancelling, and
starting a follow-up (続報・訂正・検挙, seed 003 5⑷). Every rule is asked of
alerts.drafts.policy and enforced by alerts.drafts.services; this module only shows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import PermissionDenied
from accounts.inputs import is_local_path
from accounts.utils.http import GET_ONLY, GET_POST, POST_ONLY, Attempt, say_refusal
from alerts.archive import policy as archive_policy
from alerts.chain.models import StepAction
from alerts.drafts import policy, selectors, services
from alerts.drafts.forms import (
    APPROVE,
    AlertForm,
    CancelForm,
    DecideForm,
    FollowUpForm,
    OverrideForm,
    VersionForm,
)

from .common import alert_flag_rows, step_desk, wait_rows
from .drafting import draft_form, draft_page


def _step_rows(rows: list[selectors.StepRow]) -> list[dict]:
    return [{"step": r.step, "desk": step_desk(r.step), "decision": r.decision} for r in rows]


@GET_ONLY
@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    alert = selectors.alert_get(user, pk)
    actions = policy.actions(user, alert)
    current = policy.current_step(alert)
    record = selectors.alert_record(alert)
    latest = _step_rows(record.latest)
    earlier = [(number, _step_rows(rows)) for number, rows in record.earlier]
    now = timezone.now()
    waits = {row["step"].pk: row for row in wait_rows(alert, now=now)}
    for row in latest:
        row["wait"] = waits.get(row["step"].pk)
    return render(
        request,
        "alerts/drafts/detail.html",
        {
            "here": alert.title,
            "alert_page": True,
            "alert": alert,
            "actions": actions,
            "current": current,
            "holders": selectors.step_holders(current) if current is not None else [],
            "latest": latest,
            "earlier": earlier,
            "decisions": record.decisions,
            "flag_rows": alert_flag_rows(alert),
            "may_override": "override" in actions,
            "follow_ups": record.follow_ups,
            "version_form": VersionForm(initial={"version": alert.version}),
            "follow_up_form": FollowUpForm(),
            "category": alert.category,
            "may_withdraw": archive_policy.may_withdraw(user, alert),
        },
    )


@POST_ONLY
@login_required
def alert_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author reports the draft: the chain's steps are laid. A record the category
    needs and the draft lacks is shown at its field on the draft form (nothing is lost)."""
    alert = selectors.alert_get(request.user, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "画面が古くなっています。開き直してから報告してください。")
        return redirect("alerts:alert_detail", pk=alert.pk)
    with Attempt(form) as attempt:
        services.alert_submit(actor=request.user, alert=alert, version=form.cleaned_data["version"])
    if attempt.ok:
        messages.success(request, "報告しました（承認申請）。承認の段階に送られました。")
        return redirect("alerts:alert_detail", pk=alert.pk)
    error = attempt.error
    assert error is not None  # noqa: S101 (a refusal when not ok)
    field = getattr(error, "field", None)
    if field:
        draft = draft_form(request, alert, AlertForm.data_for(alert))
        if draft.is_valid() and field in draft.fields:
            draft.add_error(field, error.message)
            messages.error(request, "報告に必要な記録が足りません。理由は各項目に表示しています。")
            return draft_page(request, alert, draft)
    say_refusal(request, error)
    return redirect("alerts:alert_detail", pk=alert.pk)


# --- A step's decision ---------------------------------------------------------------------------


@GET_POST
@login_required
def alert_decide(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    user = request.user
    alert = selectors.alert_get(user, pk)
    step = selectors.alert_step_get(alert, step_pk)
    refusal = policy.decide_refusal(user, step, policy.current_step(alert))
    if refusal:
        raise PermissionDenied(refusal)
    may_mark_urgent = (
        step.action == StepAction.APPROVE
        and alert.category.is_urgent
        and policy.is_last_approval(alert, step)
    )
    form = DecideForm(request.POST or None, may_mark_urgent=may_mark_urgent)
    if step.action != StepAction.APPROVE:
        # The SEND step only returns from here; it sends on its own page.
        form.fields["decision"].choices = [
            c for c in form.fields["decision"].choices if c[0] != APPROVE
        ]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with Attempt(form) as attempt:
            if data["decision"] == APPROVE:
                services.alert_approve(
                    actor=user,
                    alert=alert,
                    step=step,
                    comment=data["comment"],
                    send_urgently=bool(data.get("send_urgently")),
                )
            else:
                services.alert_return(actor=user, alert=alert, step=step, comment=data["comment"])
        if attempt.ok:
            if data["decision"] == APPROVE:
                messages.success(request, f"「{alert.title}」を承認しました。")
            else:
                messages.success(request, f"「{alert.title}」を作成者に差し戻しました。")
            return redirect("alerts:inbox")
    now = timezone.now()
    return render(
        request,
        "alerts/drafts/decide.html",
        {
            "here": f"{step.label}",
            "alert": alert,
            "step": step,
            "desk": step_desk(step),
            "form": form,
            "flag_rows": alert_flag_rows(alert),
            "may_override": policy.may_override(user, alert),
            "waits": wait_rows(alert, now=now),
            "category": alert.category,
            "here_url": request.get_full_path(),
        },
    )


@POST_ONLY
@login_required
def alert_override(request: HttpRequest, pk: int) -> HttpResponse:
    """An approver lets a privacy flag stand, with the reason (never the author)."""
    alert = selectors.alert_get(request.user, pk)
    if not policy.may_override(request.user, alert):
        raise PermissionDenied(
            "個人情報の指摘を承認できるのは、現在の段階の承認者だけです（作成者はできません）。"
        )
    form = OverrideForm(request.POST)
    back = request.POST.get("next", "")
    if not is_local_path(back):
        back = reverse("alerts:alert_detail", kwargs={"pk": alert.pk})
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    with Attempt(request=request) as attempt:
        services.privacy_override(actor=request.user, alert=alert, **form.cleaned_data)
    if attempt.ok:
        messages.success(request, f"「{form.cleaned_data['fragment']}」の指摘を承認しました。")
    return redirect(back)


# --- Cancelling and follow-ups ---------------------------------------------------------------------


@GET_POST
@login_required
def alert_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get(request.user, pk)
    if not policy.may_cancel(request.user, alert):
        raise PermissionDenied("この配信を取りやめることはできません。")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with Attempt(form) as attempt:
            services.alert_cancel(
                actor=request.user, alert=alert, reason=form.cleaned_data["reason"]
            )
        if attempt.ok:
            messages.success(request, f"「{alert.title}」を取りやめました。")
            return redirect("alerts:alert_detail", pk=alert.pk)
    return render(
        request,
        "alerts/drafts/cancel.html",
        {"here": "配信の取りやめ", "alert": alert, "form": form},
    )


@POST_ONLY
@login_required
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A 続報・訂正・検挙等 of a first alert: a new draft linked to it, through the same
    chain when reported."""
    parent = selectors.alert_get(request.user, pk)
    if not policy.may_follow_up(request.user, parent):
        raise PermissionDenied("この配信の続報等を作成することはできません。")
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "報の種類（続報・訂正・検挙等）を選んでください。")
        return redirect("alerts:alert_detail", pk=parent.pk)
    with Attempt(request=request) as attempt:
        alert = services.follow_up_start(
            actor=request.user, parent=parent, kind=form.cleaned_data["kind"]
        )
    if attempt.ok:
        messages.success(
            request,
            f"「{parent.title}」の{alert.get_kind_display()}を作成しました。本文を書いてください。",
        )
        return redirect("alerts:alert_edit", pk=alert.pk)
    return redirect("alerts:alert_detail", pk=parent.pk)
