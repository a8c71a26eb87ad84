"""Role × URL of network.requests: a request heard at a 地域安全の会 of station A for its
生活安全課 (no persona but the 署長 works it), the same closed, and one of station B for its
地域課 (the officer of B works it).

The departments are made here once for the whole matrix (accounts:inbox_department and the
liaison follow-ups of 生活安全課 name them too): get_or_create, since another feature's
objects may make the same 課."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Department
from network.meetings.models import SafetyMeeting
from network.requests.models import DepartmentRequest
from tests.conftest import World
from tests.matrix_kit import DONE, OK, Route, by_variant


def _obj(key: str):
    return lambda w: {"pk": w.__dict__["objects"][key].pk}


VARIANTS = {
    "": _obj("request_a"),
    "closed": _obj("request_closed_a"),
    "other_station": _obj("request_b"),
}

ROUTES: dict[str, Route] = {
    # The 署長 works every department of his station; the officer of B his 地域課; nobody
    # else any of these (a 404, another station's included).
    "network:request_detail": Route(
        get=by_variant(
            {
                "": {"station_manager": OK},
                "closed": {"station_manager": OK},
                "other_station": {"other_officer": OK},
            }
        ),
        variants=VARIANTS,
    ),
    # Closed, or refused as already closed: back to the request with a message.
    "network:request_close": Route(
        get=None,
        post=by_variant(
            {
                "": {"station_manager": DONE},
                "closed": {"station_manager": DONE},
                "other_station": {"other_officer": DONE},
            }
        ),
        variants=VARIANTS,
        post_data=lambda w: {"action_taken": "道路管理者に依頼した"},
    ),
}


def department(station, kind: str, name: str) -> Department:
    made, _ = Department.objects.get_or_create(station=station, name=name, defaults={"kind": kind})
    return made


def _request(station, dept: Department, recorded_by, *, closed: bool = False) -> DepartmentRequest:
    today = timezone.localdate()
    meeting = SafetyMeeting.objects.create(
        station=station,
        held_on=today - dt.timedelta(days=3),
        place="公民館",
        agenda="地域の安全",
        recorded_by=recorded_by,
    )
    return DepartmentRequest.objects.create(
        station=station,
        department=dept,
        meeting=meeting,
        text="街路灯の増設",
        raised_on=today - dt.timedelta(days=3),
        due_on=today - dt.timedelta(days=1),  # overdue: the 署長's home panel lists it
        raised_by=recorded_by,
        closed_at=timezone.now() if closed else None,
        closed_by=recorded_by if closed else None,
        action_taken="市に依頼した" if closed else "",
    )


def objects(world: World) -> dict:
    safety_a = department(world.station_a, Department.Kind.SAFETY, "生活安全課")
    safety_b = department(world.station_b, Department.Kind.SAFETY, "生活安全課")
    community_b = Department.objects.filter(
        station=world.station_b, kind=Department.Kind.COMMUNITY
    ).first()
    return {
        "dept_safety_a": safety_a,
        "dept_safety_b": safety_b,
        "dept_community_b": community_b,
        "request_a": _request(world.station_a, safety_a, world.station_manager),
        "request_closed_a": _request(world.station_a, safety_a, world.station_manager, closed=True),
        "request_b": _request(world.station_b, community_b, world.other_officer),
    }
