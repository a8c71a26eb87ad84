"""Role × URL of alerts.subscribers, for tests/test_role_url_matrix.py (ROUTES, objects(world)),
in the shape of tests/network/matrix_*.py.

The public pages (namespace anshin) answer everyone alike, signed in or not: a subscriber's
page by its key (404 for a key nobody has), the confirmation 400 without a valid link (the
matrix cannot put one in a query string). My subscription is every signed-in person's; the
staff counts are the 所属長's of a station (署長, 運用管理者 there), 403 for the others.
"""

from __future__ import annotations

from django.utils import timezone

from alerts.subscribers.models import Subscriber
from tests.conftest import World
from tests.matrix_kit import DONE, FORBIDDEN, NOT_FOUND, OK, Route, only, public, signed_in

BAD_LINK = 400
HEADS = {"station_manager", "alert_approver"}


def _key(variant: str):
    if variant == "unknown":
        return lambda w: {"token": "no-such-key"}
    return lambda w: {"token": w.__dict__["objects"]["subscriber"].token}


KEYS = {"": _key(""), "unknown": _key("unknown")}


def _by_key(status: int):
    """`status` for the subscriber's key, 404 for a key nobody has: for everyone."""
    return lambda persona, variant: NOT_FOUND if variant == "unknown" else status


ROUTES: dict[str, Route] = {
    # An empty form: the page again with its errors, nothing sent.
    "anshin:signup": Route(get=public(OK), post=public(OK)),
    "anshin:signup_sent": Route(get=public(OK)),
    "anshin:confirm": Route(get=public(BAD_LINK), post=public(BAD_LINK)),
    "anshin:manage": Route(get=_by_key(OK), post=_by_key(OK), variants=KEYS),
    "anshin:address_change": Route(get=_by_key(OK), post=_by_key(OK), variants=KEYS),
    # POST only: receive again after sending stopped (a subscriber not stopped is told so,
    # and the page comes back either way).
    "anshin:resume": Route(get=None, post=_by_key(DONE), variants=KEYS),
    # The matrix's clients carry no CSRF check: the button's POST deletes (and redirects).
    "anshin:unsubscribe": Route(get=_by_key(OK), post=_by_key(DONE), variants=KEYS),
    "anshin:unsubscribed": Route(get=public(OK)),
    "anshin:flyer": Route(get=public(OK)),
    # An empty form: the page again with its errors.
    "alerts:my_subscription": Route(get=signed_in(OK), post=signed_in(OK)),
    "alerts:staff_subscriptions": Route(get=only(HEADS, refused=FORBIDDEN)),
}


def objects(world: World) -> dict:
    return {
        "subscriber": Subscriber.objects.create(
            email="matrix@example.jp", confirmed_at=timezone.now()
        )
    }
