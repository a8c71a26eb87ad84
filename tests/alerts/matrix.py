"""The alerts app's part of the role × URL matrix: each feature keeps its routes and the
objects they need in its own tests/alerts/matrix_<feature>.py (ROUTES, objects(world))."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from tests.conftest import World
from tests.matrix_kit import Route

from . import (
    matrix_archive,
    matrix_categories,
    matrix_delivery,
    matrix_drafts,
    matrix_operators,
    matrix_reports,
    matrix_subscribers,
)

# Listed here once each; a feature's module is added when its first URL is. Categories first:
# they lay the divisions and categories the drafts' objects stand on.
FEATURES: list[ModuleType] = [
    matrix_categories,
    matrix_drafts,
    matrix_delivery,
    matrix_reports,
    matrix_subscribers,
    matrix_operators,
    matrix_archive,
]

ROUTES: dict[str, Route] = {}
for _feature in FEATURES:
    ROUTES.update(_feature.ROUTES)

# (url name, method, variant, persona) -> answer, for those whose grant ended.
ENDED_EXCEPTIONS: dict[tuple[str, str, str, str], int | str] = {}


def objects(world: World) -> dict:
    made: dict = {}
    for feature in FEATURES:
        build: Callable[[World], dict] = feature.objects
        made.update(build(world))
    return made
