"""Role × URL of network.exchanges, and the small builders the network tests share: a
連絡員 made with the ORM, an exchange recorded through the service."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Station, User
from accounts.utils.names import fold_name
from network.exchanges import services as exchange_services
from network.exchanges.models import Exchange, ExchangeOccasion
from network.members.models import FoundOccasion, LiaisonMember, MemberStatus
from tests.conftest import World
from tests.matrix_kit import DONE, FORBIDDEN, NOT_FOUND, OK, Route, by_variant, each, only

STATION_A = {"beat_officer", "supervisor", "chief", "station_manager", "staff"}


def make_member(station: Station, found_by: User, name: str, kana: str, **extra) -> LiaisonMember:
    """An active 連絡員 of the station, as the roster would hold him."""
    today = timezone.localdate()
    return LiaisonMember.objects.create(
        station=station,
        status=MemberStatus.ACTIVE,
        name=name,
        name_kana=kana,
        search_key=fold_name(f"{name}|{kana}"),
        found_by=found_by,
        found_on=today - dt.timedelta(days=60),
        found_occasion=FoundOccasion.PATROL,
        consented_on=today - dt.timedelta(days=50),
        **extra,
    )


def make_exchange(officer: User, member: LiaisonMember, **extra) -> Exchange:
    from accounts import permissions

    department = permissions.departments_for(officer).filter(station=member.station).first()
    if department is None:
        department = member.station.departments.first()
    values = {
        "held_on": timezone.localdate() - dt.timedelta(days=1),
        "occasion": ExchangeOccasion.PATROL,
        "minutes": 20,
        "heard": "通学路の見守りについての意見",
        **extra,
    }
    values.setdefault("department", department)
    return exchange_services.exchange_record(actor=officer, member=member, **values)


def _obj(key: str):
    return lambda w: {"pk": w.__dict__["objects"][key].pk}


def _create_data(w: World) -> dict:
    member = w.__dict__["objects"]["exchanges_member_a"]
    return {
        "held_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "member": member.pk,
        "department": member.station.departments.first().pk,
        "occasion": ExchangeOccasion.PATROL,
        "minutes": "15",
        "heard": "防犯灯の球切れの話",
        "requests-TOTAL_FORMS": "0",
        "requests-INITIAL_FORMS": "0",
    }


ROUTES: dict[str, Route] = {
    # Every member of a station's staff reads and records its exchanges; nobody else.
    "network:exchange_list": Route(get=only(STATION_A | {"other_officer"})),
    "network:exchange_create": Route(
        get=only(STATION_A | {"other_officer"}),
        # Member A is of station A: station B's officer cannot pick him (a field error).
        post=by_variant({"": {**each(STATION_A, DONE), "other_officer": OK}}, default=FORBIDDEN),
        post_data=_create_data,
    ),
    "network:exchange_detail": Route(
        get=by_variant(
            {"": each(STATION_A, OK), "other_station": {"other_officer": OK}}, default=NOT_FOUND
        ),
        variants={"": _obj("exchange_a"), "other_station": _obj("exchange_b")},
    ),
}


def objects(world: World) -> dict:
    member_a = make_member(world.station_a, world.chief, "連絡 一郎", "レンラク イチロウ")
    member_b = make_member(world.station_b, world.other_officer, "北村 二郎", "キタムラ ジロウ")
    return {
        "exchanges_member_a": member_a,
        "exchanges_member_b": member_b,
        "exchange_a": make_exchange(world.beat_officer, member_a),
        "exchange_b": make_exchange(world.other_officer, member_b),
    }
