"""Role × URL of network.members: the roster is read by every department of its station
(view_member_roster) and kept by its 署地域課 (keep_member_roster: the 地域課長等, the
取扱責任者 and the beat officers); another station's member or group is a 404 for station
A's people; HQ reviewers (review_network: figures only) and people without a station role
get 403 on the roster's pages and 404 on a member or a group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from network.members import services
from network.members.models import FoundOccasion, GroupKind
from tests.conftest import World
from tests.matrix_kit import DONE, FORBIDDEN, OK, Route, by_variant, each, only

READERS_A = {"beat_officer", "supervisor", "chief", "station_manager", "staff"}
KEEPERS_A = {"beat_officer", "supervisor", "chief"}
READERS = READERS_A | {"other_officer"}
KEEPERS = KEEPERS_A | {"other_officer"}
NOT_KEEPERS_A = READERS_A - KEEPERS_A  # 署長 and other departments: read, report, no steps


def _obj(key: str) -> Callable[[World], dict]:
    return lambda w: {"pk": w.__dict__["objects"][key].pk}


def _today(field: str, **extra: str) -> Callable[[World], dict]:
    return lambda w: {field: timezone.localdate().isoformat(), **extra}


MEMBERS = {"": _obj("member_a"), "other_station": _obj("member_b")}
CANDIDATES = {"": _obj("candidate_a"), "other_station": _obj("candidate_b")}
GROUPS = {"": _obj("group_a"), "other_station": _obj("group_b")}

READ = by_variant({"": each(READERS_A, OK), "other_station": {"other_officer": OK}})
# A keeper's page: the station's keepers; its readers who keep nothing 403; others 404.
KEEP = by_variant(
    {
        "": {**each(KEEPERS_A, OK), **each(NOT_KEEPERS_A, FORBIDDEN)},
        "other_station": {"other_officer": OK},
    }
)
KEEP_DONE = by_variant(
    {
        "": {**each(KEEPERS_A, DONE), **each(NOT_KEEPERS_A, FORBIDDEN)},
        "other_station": {"other_officer": DONE},
    }
)

ROUTES: dict[str, Route] = {
    "network:member_list": Route(get=only(READERS)),
    "network:roster_export": Route(get=only(READERS)),
    "network:roster_print": Route(get=only(READERS)),
    # An empty report comes back with its errors at the fields.
    "network:member_report": Route(get=only(READERS), post=only(READERS)),
    "network:member_detail": Route(get=READ, variants=MEMBERS),
    "network:member_reask_rule": Route(get=READ, variants=MEMBERS),
    "network:member_edit": Route(get=KEEP, post=KEEP, variants=MEMBERS),
    "network:member_ask": Route(
        get=KEEP, post=KEEP_DONE, variants=CANDIDATES, post_data=_today("on", reason="適任")
    ),
    "network:member_consent": Route(
        get=KEEP, post=KEEP_DONE, variants=CANDIDATES, post_data=_today("consented_on")
    ),
    "network:member_decline": Route(
        get=KEEP, post=KEEP_DONE, variants=CANDIDATES, post_data=_today("declined_on")
    ),
    "network:member_withdraw": Route(
        get=KEEP,
        post=KEEP_DONE,
        variants=MEMBERS,
        post_data=_today("withdrawn_on", confirm="on"),
    ),
    "network:group_list": Route(get=only(READERS)),
    "network:group_create": Route(get=only(KEEPERS), post=only(KEEPERS)),
    "network:group_edit": Route(get=KEEP, post=KEEP, variants=GROUPS),
}


def objects(world: World) -> dict:
    """Active members and candidates of station A and station B, and a group of each."""
    found_on = timezone.localdate() - dt.timedelta(days=7)

    def member(station, actor, name: str, kana: str, *, active: bool):
        made = services.member_report(
            actor=actor,
            station=station,
            name=name,
            name_kana=kana,
            found_on=found_on,
            found_occasion=FoundOccasion.PATROL,
            confirm_distinct=True,
        )
        if active:
            made = services.member_consent(actor=actor, member=made, consented_on=found_on)
        return made

    def group(station, actor, name: str):
        return services.group_create(
            actor=actor,
            station=station,
            kind=GroupKind.NEIGHBOURHOOD,
            name=name,
            municipality="中央市",
        )

    a, b = world.station_a, world.station_b
    return {
        "member_a": member(a, world.chief, "連絡 一郎", "レンラク イチロウ", active=True),
        "candidate_a": member(a, world.staff, "候補 二郎", "コウホ ジロウ", active=False),
        "member_b": member(b, world.other_officer, "北方 三郎", "キタカタ サブロウ", active=True),
        "candidate_b": member(b, world.other_officer, "北方 四郎", "キタカタ シロウ", active=False),
        "group_a": group(a, world.chief, "中央自治会"),
        "group_b": group(b, world.other_officer, "北自治会"),
    }
