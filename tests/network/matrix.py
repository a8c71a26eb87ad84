"""The network app's part of the role × URL matrix: each feature keeps its routes and the
objects they need in its own tests/network/matrix_<feature>.py (ROUTES, objects(world))."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from tests.conftest import World
from tests.matrix_kit import Route

from . import (
    matrix_bulletins,
    matrix_exchanges,
    matrix_meetings,
    matrix_members,
    matrix_overview,
    matrix_requests,
)

# Listed here once each; a feature's module is added when its first URL is.
FEATURES: list[ModuleType] = [
    matrix_members,
    matrix_exchanges,
    matrix_bulletins,
    matrix_meetings,
    matrix_overview,
    matrix_requests,
]

ROUTES: dict[str, Route] = {}
for _feature in FEATURES:
    ROUTES.update(_feature.ROUTES)


def _ended_as_station_staff(routes: dict[str, Route]) -> dict[tuple[str, str, str, str], int | str]:
    """The officer whose beat assignment ended (the matrix's unassigned_officer) is still
    appointed at post A1: the network belongs to the station, not to his old beat, so on
    its pages he is answered as A1's beat officer, not as no_role."""
    made: dict[tuple[str, str, str, str], int | str] = {}
    for name, route in routes.items():
        for variant in route.variants:
            for method, expect in (("GET", route.get), ("POST", route.post)):
                if expect is not None:
                    made[(name, method, variant, "unassigned_officer")] = expect(
                        "beat_officer", variant
                    )
    return made


# (url name, method, variant, persona) -> answer, read by the matrix's expected().
ENDED_EXCEPTIONS = _ended_as_station_staff(ROUTES)


def objects(world: World) -> dict:
    made: dict = {}
    for feature in FEATURES:
        build: Callable[[World], dict] = feature.objects
        made.update(build(world))
    return made
