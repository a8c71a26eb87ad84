"""What the alert pages share: who may open them at all, the privacy flags as rows, desk
and duration labels, and the mail as the preview and the sending queue render it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.permissions import Desk
from accounts.utils.dates import duration_ja
from alerts.drafts import selectors
from alerts.drafts.forms import CHECKED_FIELDS
from alerts.drafts.models import Alert, AlertStep
from alerts.privacy.checker import KINDS, Flag

NO_ALERT_DESK = (
    "あんしんメールの役職（作成者・運用責任者・運用管理者・発信操作担当者など）の発令がありません。"
)
# What the preview shows where each subscriber's own link will be (the queue fills it in
# for each recipient: alerts.delivery.mailer).
UNSUBSCRIBE_PLACEHOLDER = "（受信者ごとの配信停止・変更のURL）"


def works_alerts(user) -> bool:
    """Holds an alert desk (any role of seeds 003・004, the 運用総括管理者 included)."""
    return bool(user.is_authenticated and permissions.alert_desks(user))


def require_alert_desk(request: HttpRequest) -> None:
    """A page of あんしんメール's staff: others are refused (403), as a role's page is."""
    if not works_alerts(request.user):
        raise PermissionDenied(NO_ALERT_DESK)


# --- Privacy flags ---------------------------------------------------------------------------


def flag_row(field: str, flag: Flag, override=None) -> dict:
    return {
        "field": CHECKED_FIELDS.get(field, field),
        "kind": flag.kind,
        "kind_label": KINDS.get(flag.kind, flag.kind),
        "text": flag.text,
        "message": flag.message,
        "override": override,
    }


def alert_flag_rows(alert: Alert) -> list[dict]:
    """The flags on an alert's text with the overrides that let them stand."""
    return [flag_row(f.field, f.flag, f.override) for f in selectors.privacy_flags(alert)]


# --- Labels ----------------------------------------------------------------------------------


def desk_labels(user, desks: Iterable[Desk]) -> list[tuple[Desk, str]]:
    """The user's desks named by their unit (from his appointments, read once per request)."""
    names: dict[tuple, str] = {}
    for appointment in permissions.active_appointments(user):
        if appointment.division_id:
            names[("division", appointment.division_id)] = appointment.division.name
        elif appointment.station_id:
            names[("station", appointment.station_id)] = appointment.station.name
    labels = []
    for desk in desks:
        key = ("division", desk.division_id) if desk.division_id else ("station", desk.station_id)
        labels.append((desk, names.get(key, "所属")))
    return labels


def step_unit(step: AlertStep) -> str:
    """Where a step is held: 「中央警察署」「生活安全企画課 犯罪抑止対策係」「警察本部」."""
    if step.division_id:
        name = step.division.name
        return f"{name} {step.section.name}" if step.section_id else name
    if step.station_id:
        return step.station.name
    return "警察本部"


def step_desk(step: AlertStep) -> str:
    return f"{step.get_role_display()}（{step_unit(step)}）"


def wait_rows(alert: Alert, *, now: dt.datetime) -> list[dict]:
    """How long each step of the latest round waited (selectors.step_waits), as rows. No
    desk here: the inbox reads the steps prefetched without their units, and a query per
    step would grow with the inbox."""
    return [
        {
            "step": step,
            "label": step.label,
            "waited": duration_ja(waited),
            "pending": step.decided_at is None,
            "minutes": int(waited.total_seconds() // 60),
        }
        for step, waited in selectors.step_waits(alert, now=now)
    ]


# --- The mail ----------------------------------------------------------------------------------


def sender_name(alert: Alert) -> str:
    unit = alert.author_station or alert.author_division
    return f"{unit.headquarters.name} {unit.name}" if unit is not None else ""


def mail_context(alert: Alert, *, unsubscribe_url: str = UNSUBSCRIBE_PLACEHOLDER) -> dict:
    """The mail as the subscriber reads it: templates/alerts/drafts/mail/ (subject and
    body), the one text the preview shows and the sending queue sends."""
    context = {
        "alert": alert,
        "sender_name": sender_name(alert),
        "unsubscribe_url": unsubscribe_url,
    }
    return {
        "mail_from": f"あんしんメール <{settings.ALERTS_FROM_EMAIL}>",
        "mail_subject": render_to_string("alerts/drafts/mail/subject.txt", context).strip(),
        "mail_body": render_to_string("alerts/drafts/mail/body.txt", context).strip(),
    }
