"""The sender's confirmation (seed 004 別表: 「この表については…配信毎に確認すること」): pressing
send shows the category's rules and what was recorded, how many subscribers it reaches, and
whether it goes now or waits for the sending hours (seed 004 4⑵); the 発信操作担当者 ticks
both confirmations every time, and the count he saw is posted back and checked again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.exceptions import PermissionDenied
from accounts.utils.dates import datetime_ja
from accounts.utils.http import GET_POST, Attempt
from alerts import hours
from alerts.drafts import policy, selectors, services
from alerts.drafts.forms import SendForm
from alerts.drafts.models import AlertStatus

from .common import alert_flag_rows, mail_context, wait_rows


@GET_POST
@login_required
def alert_send(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    alert = selectors.alert_get(user, pk)
    if not policy.may_send(user, alert):
        raise PermissionDenied(
            "発信できるのは、承認済みの配信を担当する発信操作担当者だけです（作成者はできません）。"
        )
    count = selectors.recipient_count(alert)
    form = SendForm(request.POST or None, initial={"shown_count": count})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with Attempt(form) as attempt:
            alert = services.alert_send(
                actor=user,
                alert=alert,
                confirmed=bool(data["confirm_rules"] and data["confirm_count"]),
                recipient_count=data["shown_count"],
                send_at=data.get("send_at"),
            )
        if attempt.ok:
            when = timezone.localtime(alert.send_at) if alert.send_at else None
            if alert.status == AlertStatus.SCHEDULED and when and when > timezone.localtime():
                messages.success(
                    request,
                    f"「{alert.title}」を{datetime_ja(when)}に配信するよう予約しました。",
                )
            else:
                messages.success(request, f"「{alert.title}」を配信の順番待ちに入れました。")
            return redirect("alerts:alert_detail", pk=alert.pk)
        # The count changed since the page was drawn: show the new one and ask again.
        form.data = form.data.copy()
        form.data["shown_count"] = str(count)
        form.data.pop("confirm_count", None)
    now = timezone.now()
    goes_now = hours.within_sending_hours(now) or (alert.category.is_urgent and alert.send_urgently)
    return render(
        request,
        "alerts/drafts/send.html",
        {
            "here": "発信操作（配信前の確認）",
            "alert": alert,
            "category": alert.category,
            "form": form,
            "recipient_count": count,
            "goes_now": goes_now,
            "next_sending": hours.next_sending_time(now),
            "flag_rows": alert_flag_rows(alert),
            "waits": wait_rows(alert, now=now),
            **mail_context(alert),
        },
    )
