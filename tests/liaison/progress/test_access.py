"""Who gets what on every page of this part, GET and POST, in and out of scope (the answers
the project's role × URL matrix is given)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from liaison.planning.models import MonthlyPlan
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

REVIEWERS_A = {"chief", "station_manager", "overall_manager", "regional_director"}
# HQ reviews the figures of every station: the 統括管理責任者 and the 地域部長.
HQ_REVIEWERS = {"overall_manager", "regional_director"}


def expected_station_page(persona: str, station: str) -> int:
    if persona in HQ_REVIEWERS or (persona in REVIEWERS_A and station == "a"):
        return 200
    return 404


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_figure_pages(world, login, persona):
    client = login(getattr(world, persona))
    for key in ("a", "b"):
        station = getattr(world, f"station_{key}")
        officer = world.beat_officer if key == "a" else world.other_officer
        want = expected_station_page(persona, key)
        officer_page = reverse(
            "liaison:officer_figures", kwargs={"pk": station.pk, "user_pk": officer.pk}
        )
        for url in (
            reverse("liaison:station_progress", kwargs={"pk": station.pk}),
            reverse("liaison:station_progress_export", kwargs={"pk": station.pk}),
            officer_page,
        ):
            # An officer reads his own page too (要領 第3-2(4): the guidance written to him).
            own = url == officer_page and getattr(world, persona) == officer
            assert client.get(url).status_code == (200 if own else want), url
            assert client.post(url).status_code == 405, url


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_entry_pages(world, login, persona):
    client = login(getattr(world, persona))
    home = client.get(reverse("liaison:progress_home")).status_code
    mine = client.get(reverse("liaison:my_plans")).status_code
    assert home == {
        "chief": 302,
        "station_manager": 302,
        "overall_manager": 200,
        "regional_director": 200,
    }.get(persona, 403)
    assert mine == (302 if persona in {"beat_officer", "other_officer"} else 403)
    assert client.post(reverse("liaison:progress_home")).status_code == 405
    assert client.post(reverse("liaison:my_plans")).status_code == 405


OVERDUE = {
    "beat_a1_1": {"chief", "station_manager", "overall_manager", "supervisor", "beat_officer"},
    "beat_a1_2": {"chief", "station_manager", "overall_manager", "supervisor"},
    "beat_a2_1": {"chief", "station_manager", "overall_manager"},
    "beat_b1_1": {"overall_manager", "other_officer"},
}


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_overdue_cards(world, login, persona):
    client = login(getattr(world, persona))
    for beat, allowed in OVERDUE.items():
        url = reverse("liaison:overdue_cards", kwargs={"pk": getattr(world, beat).pk})
        assert client.get(url).status_code == (200 if persona in allowed else 404), beat
        assert client.post(url).status_code == 405


PLANS_GET = {
    "a": {"chief", "station_manager", "overall_manager", "regional_director", "beat_officer"},
    "b": {"overall_manager", "regional_director", "other_officer"},
}
# A valid plan for the station's own officer: set by its managers and by himself; HQ may
# read but not set (403); outside the scope, 404.
PLANS_POST = {
    "a": {
        "chief": 302,
        "station_manager": 302,
        "beat_officer": 302,
        "overall_manager": 403,
        "regional_director": 403,
    },
    "b": {"other_officer": 302, "overall_manager": 403, "regional_director": 403},
}


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_plans(world, login, persona):
    client = login(getattr(world, persona))
    for key in ("a", "b"):
        station = getattr(world, f"station_{key}")
        officer = world.beat_officer if key == "a" else world.other_officer
        url = reverse("liaison:monthly_plans", kwargs={"pk": station.pk})
        assert client.get(url).status_code == (200 if persona in PLANS_GET[key] else 404)
        data = {"officer": officer.pk, "month": "2026-11", "planned_households": "5"}
        answer = client.post(url, data).status_code
        assert answer == PLANS_POST[key].get(persona, 404), key
        assert MonthlyPlan.objects.filter(officer=officer).exists() == (answer == 302)
        MonthlyPlan.objects.all().delete()


def test_anonymous_is_sent_to_sign_in(client, world):
    urls = [
        reverse("liaison:progress_home"),
        reverse("liaison:my_plans"),
        reverse("liaison:station_progress", kwargs={"pk": world.station_a.pk}),
        reverse("liaison:station_progress_export", kwargs={"pk": world.station_a.pk}),
        reverse("liaison:monthly_plans", kwargs={"pk": world.station_a.pk}),
        reverse(
            "liaison:officer_figures",
            kwargs={"pk": world.station_a.pk, "user_pk": world.beat_officer.pk},
        ),
        reverse("liaison:overdue_cards", kwargs={"pk": world.beat_a1_1.pk}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(reverse("liaison:monthly_plans", kwargs={"pk": world.station_a.pk}))
    assert response["Location"].startswith(reverse("accounts:login"))
