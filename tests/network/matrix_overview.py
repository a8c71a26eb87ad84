"""Role × URL of network.overview: a station's people read their own station's figures (and
are sent there from the overview), HQ's reviewers every station's; nobody else."""

from __future__ import annotations

from tests.conftest import World
from tests.matrix_kit import FORBIDDEN, OK, Route, by_variant, each

STATION_A = {"beat_officer", "supervisor", "chief", "station_manager", "staff"}
HQ_REVIEWERS = {"overall_manager", "regional_director"}
REDIRECTED = 302  # a station's people go to their station's page

ROUTES: dict[str, Route] = {
    "network:overview": Route(
        get=lambda persona, variant: (
            "login"
            if persona == "anonymous"
            else REDIRECTED
            if persona in STATION_A | {"other_officer"}
            else OK
            if persona in HQ_REVIEWERS
            else FORBIDDEN
        )
    ),
    "network:station_overview": Route(
        get=by_variant(
            {
                "": each(STATION_A | HQ_REVIEWERS, OK),
                "other_station": each({"other_officer"} | HQ_REVIEWERS, OK),
            }
        ),
        variants={
            "": lambda w: {"pk": w.station_a.pk},
            "other_station": lambda w: {"pk": w.station_b.pk},
        },
    ),
}


def objects(world: World) -> dict:
    return {}
