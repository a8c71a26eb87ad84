"""Role × URL of alerts.archive, for tests/test_role_url_matrix.py (ROUTES, objects(world)).

The public archive (namespace anshin: the list, an alert's page, its CAP message, the Atom
feed) answers everyone alike, signed in or not: a sent alert is a 200, one not sent (a
scheduled alert of matrix_drafts) a 404. The withdrawal (取消, staff): station A's
運用管理者 and the 運用総括管理者 withdraw station A's sent alert; station A's other desks
see it and get a 403; the others do not see it (404). A station B alert is the
運用総括管理者's alone. An alert not sent yet, or withdrawn already, is a 403 to whoever
sees it. The page that asks is GET only, the withdrawal POST only (405 otherwise).

objects(world) runs after matrix_drafts.objects (FEATURES' order), whose 作成者 of station B
(employee number 300001) and scheduled alert it uses; the sent marks are the queue's (the
archive only reads them), set here directly.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from accounts.models import User
from alerts.archive import services as archive_services
from alerts.drafts.models import Alert, AlertStatus
from tests.conftest import World
from tests.matrix_kit import DONE, FORBIDDEN, NOT_FOUND, OK, Route, by_variant, each, public

from .matrix_drafts import _draft

APPROVER = "alert_approver"
HQ = "alert_hq_approver"
SEES_A = {"alert_author", "alert_reviewer", APPROVER, "alert_sender", HQ}
WITHDRAW = {"reason": "誤った内容を配信したため"}


def _alert(key: str) -> Callable[[World], dict]:
    return lambda w: {"pk": w.__dict__["objects"][key].pk}


def _answers(done: int) -> Callable[[str, str], int | str]:
    return by_variant(
        {
            "": {**each(SEES_A, FORBIDDEN), APPROVER: done, HQ: done},
            "not_sent": each(SEES_A, FORBIDDEN),
            "withdrawn": each(SEES_A, FORBIDDEN),
            "other_station": {HQ: done},
        }
    )


STAFF_VARIANTS = {
    "": _alert("archive_sent"),
    "not_sent": _alert("scheduled"),
    "withdrawn": _alert("archive_withdrawn"),
    "other_station": _alert("archive_other_station"),
}
PUBLIC_VARIANTS = {
    "": _alert("archive_sent"),
    "withdrawn": _alert("archive_withdrawn"),
    "not_sent": _alert("scheduled"),
}


def _public_page(persona: str, variant: str) -> int:
    return NOT_FOUND if variant == "not_sent" else OK


ROUTES: dict[str, Route] = {
    "anshin:archive_list": Route(get=public(OK)),
    "anshin:archive_feed": Route(get=public(OK)),
    "anshin:archive_detail": Route(get=_public_page, variants=PUBLIC_VARIANTS),
    "anshin:archive_cap": Route(get=_public_page, variants=PUBLIC_VARIANTS),
    "alerts:alert_withdraw_confirm": Route(get=_answers(OK), variants=STAFF_VARIANTS),
    "alerts:alert_withdraw": Route(
        get=None, post=_answers(DONE), variants=STAFF_VARIANTS, post_data=lambda w: WITHDRAW
    ),
}


def _sent(alert: Alert) -> Alert:
    now = timezone.now()
    Alert.objects.filter(pk=alert.pk).update(
        status=AlertStatus.SENT, sending_started_at=now, sent_at=now
    )
    alert.refresh_from_db()
    return alert


def objects(world: World) -> dict:
    author_b = User.objects.get(employee_number="300001")
    withdrawn = _sent(_draft(world.alert_author, world.station_a))
    archive_services.alert_withdraw(
        actor=world.alert_approver, alert=withdrawn, reason="誤った内容を配信したため"
    )
    return {
        "archive_sent": _sent(_draft(world.alert_author, world.station_a)),
        "archive_withdrawn": withdrawn,
        "archive_other_station": _sent(_draft(author_b, world.station_b)),
    }
