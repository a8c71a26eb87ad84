"""Who an alert reaches (selectors.subscribers_reached): subscribers of its category whose
areas meet the alert's — everyone of the category for the whole prefecture; for a station
those who chose the whole prefecture or a municipality of its area; for a municipality those
who chose it or the whole prefecture. Each once."""

from __future__ import annotations

import pytest

from alerts.subscribers.selectors import subscribers_reached
from tests.alerts.subscribers_kit import subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(alert_world) -> dict:
    suspicious, fraud = alert_world.categories["suspicious"], alert_world.categories["fraud"]
    towns = alert_world.municipalities
    return {
        "everywhere": subscriber("all@example.jp", [suspicious]),
        "chuo": subscriber("chuo@example.jp", [suspicious, fraud], municipalities=[towns["chuo"]]),
        "both_a": subscriber(
            "both@example.jp", [suspicious], municipalities=[towns["chuo"], towns["minami"]]
        ),
        "kita": subscriber("kita@example.jp", [suspicious], municipalities=[towns["kita"]]),
        "fraud_only": subscriber("fraud@example.jp", [fraud]),
    }


def reached(alert_world, people, **area) -> set[str]:
    found = subscribers_reached(category=alert_world.categories["suspicious"], **area)
    names = {s.pk: name for name, s in people.items()}
    pks = list(found.values_list("pk", flat=True))
    assert len(pks) == len(set(pks)), "a subscriber reached twice"
    return {names[pk] for pk in pks}


def test_the_whole_prefecture_reaches_every_subscriber_of_the_category(alert_world, people):
    assert reached(alert_world, people, whole_prefecture=True) == {
        "everywhere",
        "chuo",
        "both_a",
        "kita",
    }


def test_a_station_reaches_its_municipalities_and_the_whole_prefecture(alert_world, people):
    area = {"whole_prefecture": False, "stations": [alert_world.station_a]}
    assert reached(alert_world, people, **area) == {"everywhere", "chuo", "both_a"}
    area = {"whole_prefecture": False, "stations": [alert_world.station_b]}
    assert reached(alert_world, people, **area) == {"everywhere", "kita"}


def test_a_municipality_reaches_those_who_chose_it(alert_world, people):
    towns = alert_world.municipalities
    area = {"whole_prefecture": False, "municipalities": [towns["minami"]]}
    assert reached(alert_world, people, **area) == {"everywhere", "both_a"}
    area = {"whole_prefecture": False, "municipalities": [towns["kita"], towns["chuo"]]}
    assert reached(alert_world, people, **area) == {"everywhere", "chuo", "both_a", "kita"}


def test_an_unsubscribed_person_is_reached_no_more(alert_world, people):
    from alerts.subscribers import services

    services.subscriber_unsubscribe(subscriber=people["chuo"])
    area = {"whole_prefecture": False, "stations": [alert_world.station_a]}
    assert reached(alert_world, people, **area) == {"everywhere", "both_a"}
