"""Writes on department requests (seed 001 3⑴ウ). Here: raising one from an exchange or a
地域安全の会; the inbox and closing live apart. Keyword-only, the acting user first, one
transaction each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import Department, Station, User
from network.exchanges.models import Exchange
from network.meetings.models import SafetyMeeting
from network.requests.models import DepartmentRequest


def default_due(raised_on: dt.date) -> dt.date:
    """A request heard without a date of its own is due NETWORK_REQUEST_DUE_DAYS later."""
    return raised_on + dt.timedelta(days=settings.NETWORK_REQUEST_DUE_DAYS)


@dataclass(frozen=True)
class RequestInput:
    """One request as a form hands it over: the department, what was asked, by when."""

    department: Department
    text: str
    due_on: dt.date


@transaction.atomic
def request_raise(
    *,
    actor: User,
    department: Department,
    text: str,
    due_on: dt.date,
    exchange: Exchange | None = None,
    meeting: SafetyMeeting | None = None,
) -> DepartmentRequest:
    """A request heard in one exchange or one meeting, for a department of the same station:
    it reaches that department's inbox. Raised by whoever recorded the exchange or meeting."""
    source: Exchange | SafetyMeeting
    if exchange is not None and meeting is None:
        source = exchange
    elif meeting is not None and exchange is None:
        source = meeting
    else:
        raise ValueError("request_raise needs exactly one of exchange or meeting")
    station_id = source.station_id
    needed = "record_exchanges" if exchange is not None else "hold_safety_meetings"
    if not permissions.has_perm(actor, needed, Station(pk=station_id)):
        raise PermissionDenied("この署の要望を記録する権限がありません。")
    if department.station_id != station_id:
        raise ValidationError(
            {"requests": f"要望の対応する課は、{source.station}の課から選んでください。"}
        )
    text = text.strip()
    if not text:
        raise ValidationError({"requests": "要望の内容を入力してください。"})
    if due_on < source.held_on:
        raise ValidationError(
            {"requests": "要望の対応期限は、要望を受けた日（情報交換・会の日）以後にしてください。"}
        )
    row = DepartmentRequest(
        station_id=station_id,
        department=department,
        exchange=exchange,
        meeting=meeting,
        text=text,
        raised_on=source.held_on,
        due_on=due_on,
        raised_by=actor,
    )
    row.full_clean()
    row.save()
    return row


def requests_raise(
    *,
    actor: User,
    requests: list[RequestInput] | tuple[RequestInput, ...],
    exchange: Exchange | None = None,
    meeting: SafetyMeeting | None = None,
) -> list[DepartmentRequest]:
    """Several at once (a form's rows), in the caller's transaction."""
    return [
        request_raise(
            actor=actor,
            department=item.department,
            text=item.text,
            due_on=item.due_on,
            exchange=exchange,
            meeting=meeting,
        )
        for item in requests
    ]
