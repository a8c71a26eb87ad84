"""Writes on 地域安全の会 (seed 001 3⑶): record one held, with who came and the requests
raised (they go to the departments' inboxes). Keyword-only, the acting user first, one
transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Station, User
from network.meetings.models import SafetyMeeting
from network.meetings.policy import hold_require
from network.meetings.selectors import meeting_staff_choices
from network.members.models import LiaisonMember, MemberStatus
from network.requests.services import RequestInput, requests_raise


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    station: Station,
    held_on: dt.date,
    place: str,
    joined_to: str = "",
    members: Iterable[LiaisonMember] = (),
    staff: Iterable[User] = (),
    agenda: str,
    minutes: str = "",
    requests: Iterable[RequestInput] = (),
) -> SafetyMeeting:
    """A meeting the station held, on its own (joined_to blank) or joined to an existing
    meeting (3⑶なお書き: to spare the members a separate evening)."""
    hold_require(actor, station)
    members, staff = list(members), list(staff)
    errors: dict[str, str] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = (
            "開催日に、今日より後の日は入力できません。開催してから記録してください。"
        )
    if any(m.station_id != station.pk or m.status != MemberStatus.ACTIVE for m in members):
        errors["members"] = f"出席した連絡員は、{station.name}の連絡員から選んでください。"
    staff_ids = set(meeting_staff_choices(station=station).values_list("pk", flat=True))
    if any(person.pk not in staff_ids for person in staff):
        errors["staff"] = f"出席した職員は、{station.name}の職員から選んでください。"
    if not agenda.strip():
        errors["agenda"] = "議題を入力してください。"
    if errors:
        raise ValidationError(errors)
    meeting = SafetyMeeting(
        station=station,
        held_on=held_on,
        place=place.strip(),
        joined_to=joined_to.strip(),
        agenda=agenda.strip(),
        minutes=minutes.strip(),
        recorded_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    meeting.members.set(members)
    meeting.staff.set(staff)
    requests_raise(actor=actor, requests=list(requests), meeting=meeting)
    return meeting
