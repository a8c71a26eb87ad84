"""The pages of 手交, 受持区の区域 and 指導・評価 in a real browser: axe-core finds no WCAG 2
A/AA violation and the browser reports no Content Security Policy refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.areas import services as areas
from liaison.guidance import services as guidance
from liaison.guidance.models import OfficerNote
from liaison.handouts import services as handouts
from tests.conftest import build_world
from tests.e2e.conftest import axe_violations, describe_violations, sign_in
from tests.liaison.conftest import book_of, make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_new_pages_have_no_accessibility_violations(new_context, live_server):
    world = build_world()
    today = timezone.localdate()
    card = make_household(world.beat_officer, world.beat_a1_1)
    handout = handouts.handout_record(
        actor=world.beat_officer,
        book=book_of(world.beat_a1_1),
        town="笠原町",
        banchi="8-1-2",
        resident_name="新居 一郎",
        handed_on=today - dt.timedelta(days=20),
        collect_by=today - dt.timedelta(days=3),
    )
    handouts.handout_record(
        actor=world.beat_officer, book=book_of(world.beat_a1_1), card=card, handed_on=today
    )
    areas.beat_areas_set(actor=world.chief, beat=world.beat_a1_1, text="笠原町一丁目\n笠原町二丁目")
    guidance.officer_note_add(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        kind=OfficerNote.Kind.GUIDANCE,
        body="夕方の訪問を計画すること。",
    )
    officer_page = reverse(
        "liaison:officer_figures",
        kwargs={"pk": world.station_a.pk, "user_pk": world.beat_officer.pk},
    )
    pages = {
        "worklist": (world.beat_officer, reverse("liaison:worklist")),
        "handout_list": (world.supervisor, reverse("liaison:handout_list")),
        "handout_new": (world.beat_officer, reverse("liaison:handout_create")),
        "handout_detail": (
            world.beat_officer,
            reverse("liaison:handout_detail", kwargs={"pk": handout.pk}),
        ),
        "handout_give_up": (
            world.beat_officer,
            reverse("liaison:handout_give_up", kwargs={"pk": handout.pk}),
        ),
        "areas": (world.chief, reverse("liaison:beat_area_list")),
        "area_edit": (
            world.chief,
            reverse("liaison:beat_area_edit", kwargs={"pk": world.beat_a1_1.pk}),
        ),
        "officer_chief": (world.chief, officer_page),
        "officer_manager": (world.station_manager, officer_page),
        "officer_own": (world.beat_officer, officer_page),
    }
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
