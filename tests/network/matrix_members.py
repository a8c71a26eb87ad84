"""Role × URL of network.members (filled in with the feature's URLs)."""

from __future__ import annotations

from tests.conftest import World
from tests.matrix_kit import Route

ROUTES: dict[str, Route] = {}


def objects(world: World) -> dict:
    return {}
