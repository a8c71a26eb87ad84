"""夜間巡回連絡の承認 (要領 第5-3): ask, withdraw, approve or refuse."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import Beat, Station, User
from accounts.services import notice_send
from accounts.utils import dates
from accounts.utils.history import history_save
from liaison.night.models import OPEN_PER_DATE, OPEN_STATUSES, NightVisitRequest
from liaison.night.policy import (
    TRANSITIONS,
    night_check_decide,
    night_check_open,
    night_check_withdraw,
)
from liaison.visits.hours import DAY_END, NIGHT_END

# --- 夜間巡回連絡の承認 ---------------------------------------------------------------------------
ALREADY_ASKED = "この日の申請はすでにあります（承認待ちまたは承認済み）。"


def _night_station(actor: User, beats: list[Beat]) -> Station:
    mine = list(permissions.beats_for(actor, "record_visits").select_related("post__station"))
    if not mine:
        raise PermissionDenied("受持区を持つ受持警察官だけが夜間巡回連絡の承認を申請できます。")
    allowed = {b.pk for b in mine}
    if any(b.pk not in allowed for b in beats):
        raise ValidationError({"beats": "自分の受持区を選んでください。"})
    stations = {b.post.station for b in mine if not beats or b.pk in {x.pk for x in beats}}
    if len(stations) != 1:
        raise ValidationError({"beats": "1つの警察署の受持区を選んでください。"})
    return stations.pop()


@transaction.atomic
def night_request_create(
    *,
    actor: User,
    date: dt.date,
    planned_start: dt.time,
    planned_end: dt.time,
    reason: str,
    beats: list[Beat] | None = None,
) -> NightVisitRequest:
    """The officer asks his 地域課長等 to approve visits after 17:00 on `date`."""
    beats = list(beats or [])
    station = _night_station(actor, beats)
    errors: dict[str, str] = {}
    if date < timezone.localdate():
        errors["date"] = "過ぎた日の承認は申請できません。"
    if planned_end <= planned_start:
        errors["planned_end"] = "終了予定は開始予定より後にしてください。"
    elif planned_end > NIGHT_END:
        errors["planned_end"] = "夜間の巡回連絡は午後8時までに終える計画にしてください。"
    if planned_end <= DAY_END and "planned_end" not in errors:
        errors["planned_end"] = "午後5時までの巡回連絡に承認は要りません。"
    if not reason.strip():
        errors["reason"] = "夜間に行う理由を入力してください（例：日中不在の世帯）。"
    if errors:
        raise ValidationError(errors)
    night = NightVisitRequest(
        officer=actor,
        station=station,
        date=date,
        planned_start=planned_start,
        planned_end=planned_end,
        reason=reason.strip(),
    )
    # The officer is the actor, not input: leaving him out of the checks leaves the one open
    # request per date to the database's constraint, which no race slips past.
    night.full_clean(exclude=["beats", "officer"])
    night._history_user = actor
    try:
        with transaction.atomic():
            night.save()
    except IntegrityError as exc:
        # Which constraint failed is named by PostgreSQL only; SQLite names the columns.
        open_asks = NightVisitRequest.objects.filter(
            officer=actor, date=date, status__in=OPEN_STATUSES
        )
        if OPEN_PER_DATE not in str(exc) and not open_asks.exists():
            raise
        raise ValidationError({"date": ALREADY_ASKED}) from exc
    night.beats.set(beats)
    # The 地域課長等 over the officer's beats (each over his own 地域課's posts).
    mine = [
        b.pk for b in permissions.beats_for(actor, "record_visits").filter(post__station=station)
    ]
    notice_send(
        recipients=permissions.station_people_over(station, "approve_night_visits", mine),
        title="夜間巡回連絡の承認申請があります",
        url=reverse("liaison:night_request_detail", kwargs={"pk": night.pk}),
    )
    return night


def _night_locked(night: NightVisitRequest) -> NightVisitRequest:
    fresh = NightVisitRequest.objects.select_for_update().get(pk=night.pk)
    night_check_open(fresh)
    return fresh


@transaction.atomic
def night_request_withdraw(*, actor: User, night: NightVisitRequest) -> NightVisitRequest:
    fresh = _night_locked(night)
    night_check_withdraw(actor, fresh)
    fresh.status = TRANSITIONS["withdraw"][fresh.status]
    fresh.withdrawn_at = timezone.now()
    history_save(fresh, actor=actor, reason="取下げ", clean=False)
    return fresh


@transaction.atomic
def night_request_decide(
    *, actor: User, night: NightVisitRequest, approve: bool, comment: str = ""
) -> NightVisitRequest:
    """Approve or reject, once: a decision is final (a new request is the way to change it)."""
    fresh = _night_locked(night)
    night_check_decide(actor, fresh)
    if not approve and not comment.strip():
        raise ValidationError({"comment": "不承認の理由を入力してください。"})
    fresh.status = TRANSITIONS["approve" if approve else "reject"][fresh.status]
    fresh.decided_by = actor
    fresh.decided_at = timezone.now()
    fresh.decision_comment = comment.strip()
    history_save(fresh, actor=actor, reason=fresh.get_status_display(), clean=False)
    notice_send(
        recipients=[fresh.officer],
        title=f"夜間巡回連絡の申請（{dates.date_ja(fresh.date, year=False)}）が"
        f"{fresh.get_status_display()}されました",
        url=reverse("liaison:night_request_detail", kwargs={"pk": fresh.pk}),
    )
    return fresh
