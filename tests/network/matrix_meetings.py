"""Role × URL of network.meetings, and a meeting made through the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from network.meetings.models import SafetyMeeting
from tests.conftest import World
from tests.matrix_kit import DONE, FORBIDDEN, OK, Route, by_variant, each, only

from .matrix_exchanges import make_member

STATION_A = {"beat_officer", "supervisor", "chief", "station_manager", "staff"}
HOLDERS_A = {"chief", "station_manager"}


def make_meeting(station, recorded_by, **values: Any) -> SafetyMeeting:
    """A meeting as the station recorded it (station B has no 地域課長 persona)."""
    members = values.pop("members", [])
    meeting = SafetyMeeting.objects.create(
        station=station,
        held_on=values.pop("held_on", timezone.localdate() - dt.timedelta(days=3)),
        place=values.pop("place", "公民館"),
        agenda=values.pop("agenda", "年末の防犯"),
        recorded_by=recorded_by,
        **values,
    )
    meeting.members.set(members)
    return meeting


def _obj(key: str):
    return lambda w: {"pk": w.__dict__["objects"][key].pk}


def _meeting_data(w: World) -> dict:
    return {
        "held_on": timezone.localdate().isoformat(),
        "place": "駅前公民館",
        "joined_to": "駅前自治会定例会",
        "agenda": "自転車盗の対策",
        "requests-TOTAL_FORMS": "0",
        "requests-INITIAL_FORMS": "0",
    }


ROUTES: dict[str, Route] = {
    "network:meeting_list": Route(get=only(STATION_A | {"other_officer"})),
    "network:meeting_create": Route(
        get=only(HOLDERS_A),
        post=by_variant({"": each(HOLDERS_A, DONE)}, default=FORBIDDEN),
        post_data=_meeting_data,
    ),
    "network:meeting_detail": Route(
        get=by_variant({"": each(STATION_A, OK), "other_station": {"other_officer": OK}}),
        variants={"": _obj("meeting_a"), "other_station": _obj("meeting_b")},
    ),
}


def objects(world: World) -> dict:
    member_b = make_member(world.station_b, world.other_officer, "北野 三郎", "キタノ サブロウ")
    return {
        "meeting_a": make_meeting(world.station_a, world.chief),
        "meeting_b": make_meeting(world.station_b, world.other_officer, members=[member_b]),
    }
