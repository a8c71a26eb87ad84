"""The round's pages keep to the strict Content Security Policy: no inline script or style."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.test_csp import _check

from .conftest import DAY, household, new_officer_on_a1_1

pytestmark = pytest.mark.django_db


def test_the_pages_have_no_inline_code(world, login):
    from liaison.planning import services

    household(world, "1-1")
    services.dedicated_day_set(
        actor=world.chief, station=world.station_a, officer=world.beat_officer, date=DAY
    )
    _check(login(world.beat_officer).get(reverse("liaison:worklist")))
    _check(login(world.regional_director).get(reverse("liaison:visit_policy")))
    day = services.dedicated_day_set(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        date=DAY.replace(day=2),
    )
    chief = login(world.chief)
    _check(chief.get(reverse("liaison:dedicated_days", kwargs={"pk": world.station_a.pk})))
    _check(chief.get(reverse("liaison:dedicated_day_delete", kwargs={"pk": day.pk})))
    newcomer, assignment = new_officer_on_a1_1(world)
    officer = login(newcomer)
    _check(officer.get(reverse("liaison:takeover_list")))
    _check(officer.get(reverse("liaison:takeover", kwargs={"pk": assignment.pk})))
    _check(officer.get(reverse("accounts:home")))
