"""Role × URL of network.bulletins, and a bulletin made with the ORM (as its publisher would)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from accounts.models import User
from network.bulletins.models import Bulletin, BulletinKind
from tests.conftest import World
from tests.matrix_kit import DONE, FORBIDDEN, OK, Route, by_variant, each, only

STATION_A = {"beat_officer", "supervisor", "chief", "station_manager", "staff"}
PUBLISHERS_A = {"supervisor", "chief", "station_manager"}
HQ_PUBLISHERS = {"overall_manager", "regional_director"}


def make_bulletin(actor: User, **values: Any) -> Bulletin:
    today = timezone.localdate()
    values = {
        "publisher_name": "駅前交番",
        "kind": BulletinKind.POST_NEWS,
        "title": "交番速報",
        "body": "空き巣に注意",
        "valid_from": today,
        "valid_until": today + dt.timedelta(days=30),
        **values,
    }
    # Made as the station's publisher would (station B has no publisher persona).
    bulletin = Bulletin(
        station=values.get("station"),
        headquarters=values.get("headquarters"),
        publisher_name=values["publisher_name"],
        kind=values["kind"],
        title=values["title"],
        body=values["body"],
        pdf=values.get("pdf"),
        pdf_name=values.get("pdf_name", ""),
        valid_from=values["valid_from"],
        valid_until=values["valid_until"],
        published_by=actor,
    )
    bulletin.save()
    bulletin.beats.set(values.get("beats", []))
    return bulletin


def _obj(key: str):
    return lambda w: {"pk": w.__dict__["objects"][key].pk}


def _publish_data(w: World) -> dict:
    today = timezone.localdate()
    return {
        "publisher": f"station-{w.station_a.pk}",
        "publisher_name": "駅前交番",
        "kind": BulletinKind.POST_NEWS,
        "title": "速報",
        "body": "本文",
        "valid_from": today.isoformat(),
        "valid_until": today.isoformat(),
    }


BULLETINS = {
    "": _obj("bulletin_a"),
    "other_station": _obj("bulletin_b"),
    "hq": _obj("bulletin_hq"),
}
READERS = {
    "": each(STATION_A | PUBLISHERS_A, OK),
    "other_station": {"other_officer": OK},
    "hq": each(STATION_A | {"other_officer"} | HQ_PUBLISHERS, OK),
}
WITHDRAW = {
    "": {**each(PUBLISHERS_A, OK), **each({"beat_officer", "staff"}, FORBIDDEN)},
    "other_station": {"other_officer": FORBIDDEN},
    "hq": {**each(HQ_PUBLISHERS, OK), **each(STATION_A | {"other_officer"}, FORBIDDEN)},
}

ROUTES: dict[str, Route] = {
    "network:bulletin_list": Route(get=only(STATION_A | {"other_officer"} | HQ_PUBLISHERS)),
    "network:bulletin_create": Route(
        get=only(PUBLISHERS_A | HQ_PUBLISHERS),
        # HQ publishers cannot pick station A: the answer is the form with the error.
        post=by_variant(
            {"": {**each(PUBLISHERS_A, DONE), **each(HQ_PUBLISHERS, OK)}}, default=FORBIDDEN
        ),
        post_data=_publish_data,
    ),
    "network:bulletin_detail": Route(get=by_variant(READERS), variants=BULLETINS),
    "network:bulletin_pdf": Route(get=by_variant(READERS), variants=BULLETINS),
    "network:bulletin_withdraw": Route(
        get=by_variant(WITHDRAW),
        post=by_variant(
            {v: {p: DONE if a == OK else a for p, a in t.items()} for v, t in WITHDRAW.items()}
        ),
        variants=BULLETINS,
    ),
}

PDF = b"%PDF-1.4\n%%EOF\n"


def objects(world: World) -> dict:
    return {
        "bulletin_a": make_bulletin(
            world.chief, station=world.station_a, pdf=PDF, pdf_name="a.pdf"
        ),
        "bulletin_b": make_bulletin(
            world.other_officer, station=world.station_b, pdf=PDF, pdf_name="b.pdf"
        ),
        "bulletin_hq": make_bulletin(
            world.overall_manager, headquarters=world.hq, pdf=PDF, pdf_name="hq.pdf"
        ),
    }
