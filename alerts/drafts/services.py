"""Writes on alerts (seeds 003・004): the author's draft, its report into the chain with the
records its category needs, cancelling before sending, follow-ups (続報・訂正・検挙等, seed 003
5⑷) and the reminder to consider one. The decisions of the chain (approve, return,
override, send) live in alerts.drafts.decisions and are re-exported here: views and tasks
import every write from this module.

Keyword-only, the acting user first, one transaction each; refusals are the project's
DomainError family (accounts.exceptions) with the field they concern.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import DomainError, PermissionDenied, StaleEditError
from accounts.models import Municipality, Role, Station, User
from accounts.permissions import Desk
from accounts.services import notice_send

from ..categories.models import Category
from ..chain import engine
from ..chain.models import Scope
from . import policy
from .decisions import (
    alert_approve,
    alert_return,
    alert_send,
    hand_over,
    lock,
    privacy_override,
    record,
    refuse_transition,
    save,
    tell_arrival,
)
from .models import DRAFT_FIELDS, Alert, AlertKind, AlertStatus, ConsentBy, DecisionAction

__all__ = [
    "alert_approve",
    "alert_cancel",
    "alert_create",
    "alert_return",
    "alert_send",
    "alert_submit",
    "alert_update",
    "follow_up_reminders",
    "follow_up_start",
    "hand_over",
    "privacy_override",
]

# A follow-up starts from its first alert's category, area, place and case records.
FOLLOW_UP_COPIED = (
    "category",
    "scope",
    "place",
    "place_kind",
    "occurred_at",
    "advice",
    "case_number",
    "consent_by",
    "consent_on",
    "victim_is_minor",
    "publication_request",
    "is_missing_person",
    "family_consent_on",
)
STALE = "他の職員が先に更新しました。画面を開き直して、内容を確かめてから入力し直してください。"


def _set_fields(alert: Alert, fields: dict[str, Any]) -> None:
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise TypeError(f"not a field an author writes: {sorted(unknown)}")
    category = fields.get("category", alert.category if alert.category_id else None)
    if category is not None and not category.is_active:
        raise DomainError(
            "使われなくなった配信区分です。別の区分を選んでください。", field="category"
        )
    for name, value in fields.items():
        setattr(alert, name, value.strip() if isinstance(value, str) else value)


def _set_areas(
    alert: Alert,
    stations: Iterable[Station] | None,
    municipalities: Iterable[Municipality] | None,
) -> None:
    if stations is not None:
        alert.area_stations.set(list(stations))
    if municipalities is not None:
        alert.area_municipalities.set(list(municipalities))


# --- Drafting -----------------------------------------------------------------------------


@transaction.atomic
def alert_create(
    *,
    actor: User,
    desk: Desk | None = None,
    category: Category,
    area_stations: Iterable[Station] | None = None,
    area_municipalities: Iterable[Municipality] | None = None,
    **fields: Any,
) -> Alert:
    """A draft of the actor's unit: `desk` says which when he drafts for several."""
    desks = policy.author_desks(actor)
    if not desks:
        raise PermissionDenied("配信文を作成する権限（作成者）がありません。")
    if desk is None:
        if len(desks) > 1:
            raise DomainError("どの所属として作成するかを選んでください。", field="desk")
        desk = desks[0]
    if desk not in desks:
        raise PermissionDenied("その所属の作成者ではありません。")
    alert = Alert(
        author=actor,
        author_station_id=desk.station_id,
        author_division_id=desk.division_id,
        status=AlertStatus.DRAFT,
    )
    _set_fields(alert, {"category": category, **fields})
    save(alert, actor=actor, reason="作成")
    _set_areas(alert, area_stations, area_municipalities)
    return alert


@transaction.atomic
def alert_update(
    *,
    actor: User,
    alert: Alert,
    version: int,
    area_stations: Iterable[Station] | None = None,
    area_municipalities: Iterable[Municipality] | None = None,
    **fields: Any,
) -> Alert:
    """The author's edit of his draft (a returned alert included)."""
    alert = lock(alert)
    if actor.pk != alert.author_id:
        raise PermissionDenied("配信文を変更できるのは作成者です。")
    refuse_transition("edit", alert)
    if not policy.may_edit(actor, alert):
        raise PermissionDenied("この所属の作成者ではなくなったため、変更できません。")
    if alert.version != version:
        raise StaleEditError(STALE)
    _set_fields(alert, fields)
    save(alert, actor=actor, reason="変更")
    _set_areas(alert, area_stations, area_municipalities)
    return alert


# --- Reporting into the chain -------------------------------------------------------------


def _require(condition: bool, message: str, field: str) -> None:
    if not condition:
        raise DomainError(message, field=field)


def records_check(alert: Alert, *, now: dt.datetime) -> None:
    """The records the category needs before anyone approves (issue 13 point 2), and the
    area the scope needs; the first one missing is refused at its field."""
    category = alert.category
    _require(category.is_active, "使われなくなった配信区分です。", "category")
    if category.needs_case_number:
        _require(
            bool(alert.case_number.strip()),
            f"「{category.name}」は事案登録番号が必要です（脅威事犯情報管理業務に登録してから報告してください）。",
            "case_number",
        )
    if category.needs_victim_consent:
        _consent_check(alert, now=now)
    if category.needs_publication_request:
        _require(
            alert.publication_request,
            "行方不明者届をした方の「公表要請書」の「公表の方法」欄で「県警あんしんメール」に"
            "チェックがあることを確認してください。",
            "publication_request",
        )
    if category.needs_family_consent and alert.is_missing_person:
        _require(
            alert.family_consent_on is not None,
            "特異行方不明者の手配は、家族の了解を得た日を入力してください。",
            "family_consent_on",
        )
        _not_future(alert.family_consent_on, now, "family_consent_on", "家族の了解を得た日")
    if alert.kind == AlertKind.ARREST and category.arrest_needs_press_release:
        _require(
            alert.press_released_at is not None,
            "検挙情報は報道機関への広報の後に配信します。報道発表日時を入力してください。",
            "press_released_at",
        )
        assert alert.press_released_at is not None  # noqa: S101 (just checked)
        _require(
            alert.press_released_at <= now,
            "報道発表がまだです。検挙情報は報道機関への広報の後に配信します。",
            "press_released_at",
        )
    if alert.occurred_at is not None:
        _require(alert.occurred_at <= now, "発生日時に未来の日時は入力できません。", "occurred_at")
    _area_check(alert)


def _not_future(day: dt.date | None, now: dt.datetime, field: str, label: str) -> None:
    if day is not None and day > timezone.localdate(now):
        raise DomainError(f"{label}に未来の日付は入力できません。", field=field)


def _consent_check(alert: Alert, *, now: dt.datetime) -> None:
    """Seed 003 6⑵: the guardian's consent when the victim is a minor, else the victim's."""
    _require(
        bool(alert.consent_by),
        "配信の承諾者（被害者本人、少年の場合は保護者等）を選んでください。",
        "consent_by",
    )
    if alert.victim_is_minor:
        _require(
            alert.consent_by == ConsentBy.GUARDIAN,
            "被害者が少年のときは、保護者等の承諾が必要です。",
            "consent_by",
        )
    else:
        _require(
            alert.consent_by == ConsentBy.VICTIM,
            "被害者が成人のときは、本人の承諾が必要です。",
            "consent_by",
        )
    _require(alert.consent_on is not None, "承諾を確認した日を入力してください。", "consent_on")
    _not_future(alert.consent_on, now, "consent_on", "承諾を確認した日")


def _area_check(alert: Alert) -> None:
    if alert.scope == Scope.PREFECTURE:
        return
    stations = {s.pk for s in alert.area_stations.all()}
    stations |= {m.station_id for m in alert.area_municipalities.all()}
    _require(
        bool(stations),
        "配信地域（警察署の管内または市町村）を選んでください。",
        "area_stations",
    )
    if alert.scope == Scope.STATION:
        _require(
            len(stations) == 1,
            "複数の警察署の管内に配信するときは、配信範囲を「複数の警察署の管内」にしてください。",
            "scope",
        )


@transaction.atomic
def alert_submit(
    *, actor: User, alert: Alert, version: int, now: dt.datetime | None = None
) -> Alert:
    """報告: the author reports his draft; the steps of the preset in force are laid (a
    new round after a return) and the first desk has it."""
    now = now or timezone.now()
    alert = lock(alert)
    if actor.pk != alert.author_id:
        raise PermissionDenied("報告（承認申請）できるのは作成者です。")
    refuse_transition("submit", alert)
    if alert.version != version:
        raise StaleEditError(STALE)
    if not policy.may_submit(actor, alert):
        raise PermissionDenied("この所属の作成者ではなくなったため、報告できません。")
    records_check(alert, now=now)
    first = engine.lay_steps(alert, now=now)[0]
    alert.status = AlertStatus.IN_REVIEW
    alert.preset = settings.ALERTS_PRESET
    alert.reported_at = now
    alert.approved_at = None
    alert.send_urgently = False
    record(alert, DecisionAction.SUBMIT, actor=actor, now=now, role=Role.ALERT_AUTHOR)
    save(alert, actor=actor, reason="報告（承認申請）")
    tell_arrival(first, alert)
    return alert


@transaction.atomic
def alert_cancel(
    *, actor: User, alert: Alert, reason: str, now: dt.datetime | None = None
) -> Alert:
    """取りやめ before sending: the author of a draft, the desk the alert waits at, or
    (scheduled) the sender's desk."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise DomainError("取りやめる理由を入力してください。", field="reason")
    alert = lock(alert)
    refuse_transition("cancel", alert)
    current = policy.current_step(alert)
    if not policy._may_cancel(actor, alert, current):
        raise PermissionDenied("この配信を取りやめる権限がありません。")
    alert.status = AlertStatus.CANCELLED
    record(alert, DecisionAction.CANCEL, actor=actor, now=now, step=current, comment=reason)
    save(alert, actor=actor, reason="取りやめ")
    return alert


# --- Follow-ups ---------------------------------------------------------------------------


@transaction.atomic
def follow_up_start(*, actor: User, parent: Alert, kind: str) -> Alert:
    """A new draft linked to the first alert (seed 003 5⑷), starting from its category,
    area, place and case records and its text; it passes the same chain when reported."""
    if parent.parent_id is not None:
        parent = parent.parent  # type: ignore[assignment]
    if kind not in policy.FOLLOW_UP_KINDS:
        raise DomainError("続報・訂正・検挙等の別を選んでください。", field="kind")
    if not policy.may_follow_up(actor, parent):
        raise PermissionDenied(
            "続報を作成できるのは、配信済みの第1報の作成者か、その所属の作成者です。"
        )
    alert = Alert(
        author=actor,
        author_station_id=parent.author_station_id,
        author_division_id=parent.author_division_id,
        parent=parent,
        kind=kind,
        title=f"【{AlertKind(kind).label}】{parent.title}"[:60],
        body=parent.body,
        **{name: getattr(parent, name) for name in FOLLOW_UP_COPIED},
    )
    save(alert, actor=actor, reason=f"{AlertKind(kind).label}の作成")
    _set_areas(alert, parent.area_stations.all(), parent.area_municipalities.all())
    return alert


@transaction.atomic
def follow_up_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind the author of each first alert of a category that asks for it (不審者情報,
    脅威事犯), out for ALERTS_FOLLOW_UP_REMINDER_DAYS with no arrest notice, to consider a
    follow-up: once per alert. Returns how many were reminded."""
    now = now or timezone.now()
    due = now - dt.timedelta(days=settings.ALERTS_FOLLOW_UP_REMINDER_DAYS)
    arrested = (
        Alert.objects.filter(kind=AlertKind.ARREST, parent__isnull=False)
        .exclude(status=AlertStatus.CANCELLED)
        .values("parent_id")
    )
    alerts = (
        Alert.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            kind=AlertKind.FIRST,
            category__reminds_follow_up=True,
            status__in=[AlertStatus.SCHEDULED, AlertStatus.SENT],
            queued_at__lte=due,
            reminded_at__isnull=True,
        )
        .exclude(pk__in=arrested)
        .select_related("author")
        .order_by("pk")
    )
    count = 0
    for alert in alerts:
        recipients: list[User | None] = [alert.author]
        if not alert.author.is_active:
            # The author moved on: the 作成者 of his unit consider it instead.
            recipients = list(permissions.holders_of(policy.unit_desk(Role.ALERT_AUTHOR, alert)))
        notice_send(
            recipients=recipients,
            title=f"続報の検討: {alert.title}",
            url=reverse("alerts:alert_detail", args=[alert.pk]),
        )
        alert.reminded_at = now
        save(alert, actor=None, reason="続報の検討を促した", clean=False)
        count += 1
    return count
