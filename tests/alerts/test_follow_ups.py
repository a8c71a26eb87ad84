"""Follow-ups (seed 003 5⑷): 続報, corrections and the arrest notice start from the first
alert and pass the same chain; an open 不審者 alert reminds its author once, after
ALERTS_FOLLOW_UP_REMINDER_DAYS (30), to consider one, unless an arrest notice exists."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.exceptions import DomainError, PermissionDenied
from accounts.models import Notice
from alerts.drafts import policy, selectors, tasks
from alerts.drafts import services as alert_services
from alerts.drafts.models import AlertKind, AlertStatus
from tests.alerts.conftest import OFFICE_MORNING, through_the_chain

pytestmark = pytest.mark.postgres

DAYS = dt.timedelta(days=30)


def _sent(alert_world, make_draft, code="suspicious", **fields):
    return _sent_existing(make_draft(code, **fields))


def test_a_follow_up_starts_from_the_first_alert_and_passes_the_chain(
    any_preset, alert_world, make_draft
):
    code = "threat" if alert_world.preset == "kagoshima" else "suspicious"
    first = _sent(
        alert_world,
        make_draft,
        code,
        area_municipalities=[alert_world.municipalities["chuo"]],
        place="中央市本町1丁目",
        place_kind="road",
    )
    follow = alert_services.follow_up_start(
        actor=alert_world.alert_author, parent=first, kind=AlertKind.FOLLOW_UP
    )
    assert (follow.status, follow.kind, follow.parent) == (
        AlertStatus.DRAFT,
        AlertKind.FOLLOW_UP,
        first,
    )
    assert (follow.category, follow.scope, follow.place, follow.place_kind) == (
        first.category,
        first.scope,
        "中央市本町1丁目",
        "road",
    )
    assert list(follow.area_stations.all()) == [alert_world.station_a]
    assert list(follow.area_municipalities.all()) == [alert_world.municipalities["chuo"]]
    assert follow.title.startswith("【続報】")
    follow = alert_services.alert_update(
        actor=alert_world.alert_author,
        alert=follow,
        version=follow.version,
        body="先日お知らせした声かけ事案について、その後の状況をお知らせします。",
    )
    sent = _sent_existing(follow)
    assert [s.label for s in selectors.latest_round(sent)] == [
        s.label for s in selectors.latest_round(first)
    ]
    assert sent.status == AlertStatus.SCHEDULED


def _sent_existing(alert):
    return through_the_chain(alert)


def test_a_follow_up_of_a_follow_up_links_to_the_first(alert_world, make_draft):
    first = _sent(alert_world, make_draft)
    follow = _sent_existing(
        alert_services.follow_up_start(
            actor=alert_world.alert_author, parent=first, kind=AlertKind.FOLLOW_UP
        )
    )
    correction = alert_services.follow_up_start(
        actor=alert_world.alert_author, parent=follow, kind=AlertKind.CORRECTION
    )
    assert correction.parent == first
    assert set(first.follow_ups.values_list("kind", flat=True)) == {"follow_up", "correction"}


def test_who_may_start_a_follow_up(alert_world, make_draft):
    draft = make_draft("suspicious")
    assert not policy.may_follow_up(alert_world.alert_author, draft)
    first = _sent(alert_world, make_draft)
    assert "follow_up" in policy.actions(alert_world.alert_author, first)
    for outsider in (alert_world.author_b, alert_world.alert_approver):
        assert not policy.may_follow_up(outsider, first)
        with pytest.raises(PermissionDenied):
            alert_services.follow_up_start(actor=outsider, parent=first, kind=AlertKind.FOLLOW_UP)
    with pytest.raises(DomainError) as refused:
        alert_services.follow_up_start(
            actor=alert_world.alert_author, parent=first, kind=AlertKind.FIRST
        )
    assert refused.value.field == "kind"


# --- The reminder -------------------------------------------------------------------------


def _notices(user):
    return list(Notice.objects.filter(recipient=user).values_list("title", "url"))


def test_the_reminder_fires_once_after_thirty_days(alert_world, make_draft):
    first = _sent(alert_world, make_draft, title="声かけ事案の発生")
    author = alert_world.alert_author
    assert (
        alert_services.follow_up_reminders(now=OFFICE_MORNING + DAYS - dt.timedelta(minutes=1)) == 0
    )
    assert _notices(author) == []

    assert alert_services.follow_up_reminders(now=OFFICE_MORNING + DAYS) == 1
    assert _notices(author) == [("続報の検討: 声かけ事案の発生", f"/alerts/{first.pk}/")]
    first.refresh_from_db()
    assert first.reminded_at == OFFICE_MORNING + DAYS

    assert alert_services.follow_up_reminders(now=OFFICE_MORNING + 2 * DAYS) == 0
    assert len(_notices(author)) == 1


def test_no_reminder_once_an_arrest_notice_exists(alert_world, make_draft):
    first = _sent(alert_world, make_draft)
    arrest = alert_services.follow_up_start(
        actor=alert_world.alert_author, parent=first, kind=AlertKind.ARREST
    )
    assert alert_services.follow_up_reminders(now=OFFICE_MORNING + DAYS) == 0
    # A cancelled arrest notice does not count.
    alert_services.alert_cancel(actor=alert_world.alert_author, alert=arrest, reason="誤って作成")
    assert alert_services.follow_up_reminders(now=OFFICE_MORNING + DAYS) == 1


def test_no_reminder_for_a_category_that_does_not_ask_or_an_alert_not_sent(alert_world, make_draft):
    _sent(alert_world, make_draft, "fraud")
    make_draft("suspicious")
    assert alert_services.follow_up_reminders(now=OFFICE_MORNING + DAYS) == 0


def test_the_daily_task_reminds(alert_world, make_draft):
    _sent(alert_world, make_draft)
    with time_machine.travel(OFFICE_MORNING + DAYS + dt.timedelta(hours=1), tick=False):
        assert tasks.follow_up_reminders.delay().get() == 1
    assert len(_notices(alert_world.alert_author)) == 1


def test_a_follow_up_without_its_first_alert_cannot_be_stored(alert_world, make_draft):
    """The link is a database rule, not only the service's: no path stores a 続報 that names
    no first alert."""
    from django.db import IntegrityError, transaction

    draft = make_draft("suspicious" if alert_world.preset == "gunma" else "threat")
    draft.kind = AlertKind.FOLLOW_UP
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save(update_fields=["kind"])
