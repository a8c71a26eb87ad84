"""The fan-out (alerts.delivery.services.deliveries_create): one row per subscriber the alert
reaches (category × area, the whole prefecture), stopped addresses left out, each with its
stable Message-ID, at once for an urgent category and at the start of the subscriber's
receive-time band otherwise; the fourth non-urgent alert of a category in one Tokyo day goes
into the evening digest. Done once however many workers try."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.delivery import services
from alerts.delivery.models import Delivery
from alerts.drafts.models import Alert, AlertStatus
from alerts.subscribers.models import Subscriber
from tests.alerts.delivery_kit import at, scheduled, subscriber

pytestmark = pytest.mark.postgres


def rows(alert: Alert) -> dict[str, Delivery]:
    return {d.subscriber.email: d for d in alert.deliveries.select_related("subscriber")}


@pytest.fixture
def people(alert_world):
    return {
        "everywhere": subscriber(alert_world, "all@example.jp", "suspicious"),
        "chuo": subscriber(alert_world, "chuo@example.jp", "suspicious", towns=("chuo",)),
        "kita": subscriber(alert_world, "kita@example.jp", "suspicious", towns=("kita",)),
        "fraud": subscriber(alert_world, "fraud@example.jp", "fraud"),
        "stopped": subscriber(
            alert_world, "stopped@example.jp", "suspicious", stopped_at=at("08:00")
        ),
    }


def test_a_station_alert_reaches_its_area_and_the_whole_prefecture(alert_world, make_draft, people):
    alert = scheduled(alert_world, make_draft, "suspicious", now=at("10:00"))
    made = services.deliveries_create(alert=alert, now=at("10:00"))
    assert made == 2
    assert set(rows(alert)) == {"all@example.jp", "chuo@example.jp"}
    alert.refresh_from_db()
    assert (alert.status, alert.sending_started_at) == (AlertStatus.SENDING, at("10:00"))


def test_a_prefecture_wide_alert_reaches_every_subscriber_of_the_category_but_stopped_ones(
    alert_world, make_draft, people
):
    alert = scheduled(alert_world, make_draft, "suspicious", now=at("10:00"))
    # The HQ chain of a prefecture-wide alert has its own tests: only the area matters here.
    Alert.objects.filter(pk=alert.pk).update(scope="prefecture")
    alert.refresh_from_db()
    services.deliveries_create(alert=alert, now=at("10:00"))
    assert set(rows(alert)) == {"all@example.jp", "chuo@example.jp", "kita@example.jp"}


def test_each_row_has_its_stable_message_id(alert_world, make_draft, people, settings):
    alert = scheduled(alert_world, make_draft, "suspicious", now=at("10:00"))
    services.deliveries_create(alert=alert, now=at("10:00"))
    row = rows(alert)["chuo@example.jp"]
    assert row.message_id == (
        f"<alert-{alert.pk}.{people['chuo'].pk}@{settings.ALERTS_SENDING_DOMAIN}>"
    )


def test_a_second_worker_fans_out_nothing(alert_world, make_draft, people):
    alert = scheduled(alert_world, make_draft, "suspicious", now=at("10:00"))
    assert services.deliveries_create(alert=alert, now=at("10:00")) == 2
    assert services.deliveries_create(alert=alert, now=at("10:00")) == 0
    assert alert.deliveries.count() == 2


def test_an_alert_is_not_fanned_out_before_its_time(alert_world, make_draft, people):
    alert = scheduled(alert_world, make_draft, "suspicious", now=at("06:00"))
    assert alert.send_at == at("07:00")
    assert services.deliveries_create(alert=alert, now=at("06:30")) == 0
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SCHEDULED
    assert services.alerts_due(now=at("06:59")) == []
    assert services.alerts_due(now=at("07:00")) == [alert.pk]


# --- Receive-time bands -----------------------------------------------------------------------


def test_non_urgent_mail_waits_for_the_band_and_urgent_mail_does_not(alert_world, make_draft):
    subscriber(alert_world, "evening@example.jp", "suspicious", "incident", band=("18:00", "22:00"))
    subscriber(alert_world, "night@example.jp", "suspicious", band=("22:00", "06:00"))
    subscriber(alert_world, "day@example.jp", "suspicious", band=("08:00", "17:00"))
    plain = scheduled(alert_world, make_draft, "suspicious", now=at("10:00"))
    services.deliveries_create(alert=plain, now=at("10:00"))
    waits = {email: row.not_before for email, row in rows(plain).items()}
    assert waits == {
        "evening@example.jp": at("18:00"),
        "night@example.jp": at("22:00"),
        "day@example.jp": at("10:00"),
    }
    urgent = scheduled(alert_world, make_draft, "incident", now=at("10:00"))
    services.deliveries_create(alert=urgent, now=at("10:00"))
    assert {e: r.not_before for e, r in rows(urgent).items()} == {"evening@example.jp": at("10:00")}


# --- Digests ------------------------------------------------------------------------------------


def test_the_fourth_alert_of_a_category_in_a_day_goes_into_the_evening_digest(
    alert_world, make_draft, settings
):
    settings.ALERTS_DIGEST_AFTER = 3
    subscriber(alert_world, "busy@example.jp", "suspicious", "incident")
    subscriber(alert_world, "late@example.jp", "suspicious")
    made = []
    for hour in ("09:00", "10:00", "11:00", "12:00", "13:00"):
        alert = scheduled(alert_world, make_draft, "suspicious", now=at(hour))
        if hour == "12:00":
            # A subscriber who joined at noon has had nothing today: no digest for him.
            Delivery.objects.filter(subscriber__email="late@example.jp").delete()
        services.deliveries_create(alert=alert, now=at(hour))
        made.append(rows(alert))
    busy = [r["busy@example.jp"] for r in made]
    assert [r.in_digest for r in busy] == [False, False, False, True, True]
    assert [r.not_before for r in busy] == [at("09:00"), at("10:00"), at("11:00")] + [
        at("19:00")
    ] * 2
    assert [r["late@example.jp"].in_digest for r in made] == [False] * 5
    # An urgent category ignores the digest however many came before.
    for hour in ("14:00", "15:00", "16:00", "17:00"):
        urgent = scheduled(alert_world, make_draft, "incident", now=at(hour))
        services.deliveries_create(alert=urgent, now=at(hour))
        row = rows(urgent)["busy@example.jp"]
        assert (row.in_digest, row.not_before) == (False, at(hour))


def test_the_digest_count_starts_again_each_tokyo_day(alert_world, make_draft, settings):
    settings.ALERTS_DIGEST_AFTER = 1
    subscriber(alert_world, "busy@example.jp", "suspicious")
    first = scheduled(alert_world, make_draft, "suspicious", now=at("22:00", "2026-12-01"))
    services.deliveries_create(alert=first, now=at("07:00"))  # the morning's 07:00
    second = scheduled(alert_world, make_draft, "suspicious", now=at("20:30"))
    # 20:30 Tokyo waits for 07:00 on 3 December: a new day, no digest.
    services.deliveries_create(alert=second, now=at("07:00", "2026-12-03"))
    assert rows(second)["busy@example.jp"].in_digest is False


def test_the_fan_out_is_set_based_its_queries_do_not_grow_with_the_subscribers(
    alert_world, make_draft, settings
):
    def queries(count: int, hour: str) -> int:
        for i in range(count):
            subscriber(alert_world, f"{hour[:2]}-{i}@example.jp", "fraud")
        alert = scheduled(alert_world, make_draft, "fraud", now=at(hour))
        with CaptureQueriesContext(connection) as captured:
            assert services.deliveries_create(alert=alert, now=at(hour)) == count
        Delivery.objects.all().delete()
        Subscriber.objects.all().delete()
        return len(captured)

    assert queries(2, "10:00") == queries(30, "11:00")
