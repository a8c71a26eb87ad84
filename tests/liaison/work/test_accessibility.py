"""The round's pages in a real browser: axe-core finds no WCAG 2 A/AA violation and the
browser reports no Content Security Policy refusal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from liaison.instructions import services as instructions_services
from liaison.planning import services as planning_services
from tests.conftest import build_world
from tests.e2e.conftest import axe_violations, describe_violations, sign_in

from .conftest import DAY, household, new_officer_on_a1_1, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_rounds_pages_have_no_accessibility_violations(new_context, live_server):
    world = build_world()
    overdue = household(world, "1-1", care_elderly_alone=True)
    visit(world.beat_officer, overdue, days_ago=400, concerns="街灯が暗い")
    # The worklist is looked at in beat B1-1: beat A1-1 changes hands below.
    north = household(world, "2-2", officer=world.other_officer, beat=world.beat_b1_1)
    visit(world.other_officer, north, days_ago=400)
    household(world, "3-3", officer=world.other_officer, beat=world.beat_b1_1)
    accounts_day = planning_services.dedicated_day_set(
        actor=world.chief, station=world.station_a, officer=world.beat_officer, date=DAY
    )
    pages = {
        "worklist": (world.other_officer, reverse("liaison:worklist")),
        # The 地域部長 sees the policy with its form (要領 第5-2).
        "policy": (world.regional_director, reverse("liaison:visit_policy")),
        "dedicated": (
            world.chief,
            reverse("liaison:dedicated_days", kwargs={"pk": world.station_a.pk}),
        ),
        "dedicated_delete": (
            world.chief,
            reverse("liaison:dedicated_day_delete", kwargs={"pk": accounts_day.pk}),
        ),
    }
    # 署長指示 (要領 第5-1) and the visits outside the hours (第5-3), issue 10.
    instruction = instructions_services.station_instruction_issue(
        actor=world.station_manager,
        station=world.station_a,
        action="exclude",
        areas=["笠原町"],
        reason="工事のため立入りが制限されているため",
        starts_on=DAY,
        ends_on=DAY,
    )
    station = {"pk": world.station_a.pk}
    pages["instructions"] = (
        world.station_manager,
        reverse("liaison:station_instructions", kwargs=station),
    )
    pages["instruction_form"] = (
        world.station_manager,
        reverse("liaison:station_instruction_create", kwargs=station),
    )
    pages["instruction_end"] = (
        world.station_manager,
        reverse("liaison:station_instruction_end", kwargs={"pk": instruction.pk}),
    )
    early = household(world, "4-4")
    visit(world.beat_officer, early, days_ago=1, outside_hours_reason="早朝を指定されたため", hh=7)
    pages["hours"] = (world.chief, reverse("liaison:visit_hours_list"))
    newcomer, assignment = new_officer_on_a1_1(world)
    pages["takeover"] = (newcomer, reverse("liaison:takeover", kwargs={"pk": assignment.pk}))
    pages["takeover_list"] = (world.supervisor, reverse("liaison:takeover_list"))

    found: dict[str, list] = {}
    refused: dict[str, list[str]] = {}
    for name, (user, url) in pages.items():
        context = new_context(viewport={"width": 1280, "height": 800})
        sign_in(context, live_server, user)
        page = context.new_page()
        refusals: list[str] = []
        page.on(
            "console",
            lambda m, r=refusals: r.append(m.text) if "Content Security Policy" in m.text else None,
        )
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, name
        found[name] = axe_violations(page, live_server)
        refused[name] = refusals
    assert not any(found.values()), "\n" + describe_violations(found)
    assert not any(refused.values()), refused
