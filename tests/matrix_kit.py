"""The building blocks of the role × URL matrix (tests/test_role_url_matrix.py): the
answers, the expectation helpers and Route. Feature apps' route tables (tests/network/
matrix_*.py) import them from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import World

ANONYMOUS = "anonymous"
LOGIN = "login"  # a redirect to the sign-in page
OK = 200
DONE = 302  # a POST that did its work and redirected
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405

Expect = Callable[[str, str], int | str]  # (persona, variant) -> expected answer


def public(status: int = OK) -> Expect:
    return lambda persona, variant: status


def signed_in(status: int = OK) -> Expect:
    return lambda persona, variant: LOGIN if persona == ANONYMOUS else status


def only(
    allowed: set[str],
    *,
    status: int = OK,
    refused: int = FORBIDDEN,
    out_of_scope: dict[str, int] | None = None,
) -> Expect:
    """`allowed` personas get `status`; other signed-in personas get `refused`.

    out_of_scope maps a variant (e.g. "other_station") to the answer everyone gets for it.
    """

    def expect(persona: str, variant: str) -> int | str:
        if persona == ANONYMOUS:
            return LOGIN
        if out_of_scope and variant in out_of_scope:
            return out_of_scope[variant]
        return status if persona in allowed else refused

    return expect


def by_variant(
    table: dict[str, dict[str, int]], *, default: int = NOT_FOUND, anonymous: int | str = LOGIN
) -> Expect:
    """table[variant][persona] is the answer; a persona not named gets `default` (404: the
    object is outside his scope)."""

    def expect(persona: str, variant: str) -> int | str:
        if persona == ANONYMOUS:
            return anonymous
        return table.get(variant, {}).get(persona, default)

    return expect


def each(personas: set[str] | list[str], status: int) -> dict[str, int]:
    return dict.fromkeys(personas, status)


NO_ARGS: dict[str, Callable[[World], dict]] = {"": lambda w: {}}


@dataclass(frozen=True)
class Route:
    get: Expect | None  # None: GET answers 405
    post: Expect | None = None  # None: POST answers 405 (or is not meaningful)
    variants: dict[str, Callable[[World], dict]] = field(default_factory=lambda: NO_ARGS)
    post_data: Callable[[World], dict] = lambda w: {}
    post_not_allowed: int = NOT_ALLOWED
    # A variant whose POST needs other data (e.g. an officer of that station).
    post_data_for: dict[str, Callable[[World], dict]] = field(default_factory=dict)
