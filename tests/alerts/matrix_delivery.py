"""Role × URL of alerts.delivery (an alert's live progress), for
tests/test_role_url_matrix.py (ROUTES, objects(world)).

Whoever may open the alert's page sees its progress (alerts.drafts.selectors.alert_get):
station A's five alert desks for a station A alert that is sending; only the 運用総括管理者
for station B's alert; everyone else a 404. A plain GET (no HX-Request) answers the page,
200; the htmx fragment's 286 is tested in tests/alerts/test_delivery_progress.py.

objects(world) runs after matrix_drafts.objects (it reuses station B's alert in review) and
takes one more station A alert through the gunma chain, then marks it as the queue does.
"""

from __future__ import annotations

from django.utils import timezone

from alerts.delivery.models import DeliveryStatus
from alerts.drafts import selectors, services
from tests.alerts.matrix_drafts import (
    DESKS,
    HQ,
    _approved_by,
    _draft,
    _submitted,
)
from tests.alerts.progress_kit import mark_started, rows
from tests.conftest import World
from tests.matrix_kit import OK, Route, by_variant, each


def _alert(key: str):
    return lambda w: {"pk": w.__dict__["objects"][key].pk}


ROUTES: dict[str, Route] = {
    "alerts:delivery_progress": Route(
        get=by_variant({"": each(DESKS, OK), "other_station": each({HQ}, OK)}),
        variants={"": _alert("progress_sending"), "other_station": _alert("other_station")},
    ),
}


def objects(world: World) -> dict:
    alert = _approved_by(
        _submitted(_draft(world.alert_author, world.station_a)),
        world.alert_reviewer,
        world.alert_approver,
    )
    alert = services.alert_send(
        actor=world.alert_sender,
        alert=alert,
        confirmed=True,
        recipient_count=selectors.recipient_count(alert),
    )
    now = timezone.now()
    alert = mark_started(alert, at=now)
    rows(alert, 2, DeliveryStatus.SENT, not_before=now, sent_at=now)
    rows(alert, 3, DeliveryStatus.PENDING, not_before=now)
    return {"progress_sending": alert}
