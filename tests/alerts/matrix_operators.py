"""Role × URL of alerts.operators (発信操作担当者の指定, seed 003 6⑴), for the matrix of
tests/test_role_url_matrix.py.

Only the 生活安全企画課長 (the 運用管理者 at the division settings.ALERTS_OPERATOR_DIVISION)
designates, and the matrix's personas are fixed (tests/conftest.py PERSONAS): none of them
holds that desk (the station's alert personas are at station A, the 運用総括管理者 at HQ
itself), and objects() appoints none, so every signed-in persona is refused (403) before
any object is looked up, even for an appointment that is not a designation; anonymous is
sent to sign in. What the 課長 himself gets (200, 302, 404 for another appointment) is
tested in tests/alerts/test_operators.py.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from accounts import services as accounts_services
from accounts.divisions import divisions_install
from accounts.models import Appointment, Role
from tests.conftest import World
from tests.factories import UserFactory
from tests.matrix_kit import DONE, FORBIDDEN, NOT_FOUND, OK, Route, by_variant, each, only

# Who designates among the personas: nobody (see the module's docstring).
DESIGNATORS: set[str] = set()


def _obj(key: str):
    return lambda w: {"pk": w.__dict__["objects"][key].pk}


def _designate_data(w: World) -> dict:
    return {
        "user": str(w.__dict__["objects"]["operator_staff"].pk),
        "starts_on": timezone.localdate().isoformat(),
        "note": "",
    }


ROUTES: dict[str, Route] = {
    "alerts:operator_list": Route(get=only(DESIGNATORS)),
    "alerts:operator_designate": Route(
        get=only(DESIGNATORS),
        post=only(DESIGNATORS, status=DONE),
        post_data=_designate_data,
    ),
    "alerts:operator_end": Route(
        get=by_variant(
            {"": each(DESIGNATORS, OK), "not_designation": each(DESIGNATORS, NOT_FOUND)},
            default=FORBIDDEN,
        ),
        post=by_variant(
            {"": each(DESIGNATORS, DONE), "not_designation": each(DESIGNATORS, NOT_FOUND)},
            default=FORBIDDEN,
        ),
        variants={
            "": _obj("operator_designation"),
            "not_designation": _obj("operator_staff_appointment"),
        },
        post_data=lambda w: {"reason": "担当の交代"},
    ),
}


def objects(world: World) -> dict:
    """The operator division (installed if no other feature has), a member of its staff who
    is not designated, and a designation: people apart from the personas."""
    division = divisions_install(world.hq)[settings.ALERTS_OPERATOR_DIVISION]
    start = timezone.localdate()
    staff = UserFactory(full_name="生活安全企画課 職員")
    sender = UserFactory(full_name="生活安全企画課 発信操作担当者")
    staff_appointment = accounts_services.appointment_start(
        actor=None,
        user=staff,
        role=Role.ALERT_AUTHOR,
        unit=world.hq,
        division=division,
        starts_on=start,
    )
    designation: Appointment = accounts_services.appointment_start(
        actor=None,
        user=sender,
        role=Role.ALERT_SENDER,
        unit=world.hq,
        division=division,
        starts_on=start,
    )
    return {
        "operator_staff": staff,
        "operator_staff_appointment": staff_appointment,
        "operator_designation": designation,
    }
