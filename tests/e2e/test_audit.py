"""An HQ auditor finds who printed a given card last week and opens that person's
timeline, in a real browser; the card's contents never reach the auditor's screen, and
axe-core finds nothing on the way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import AccessEvent
from tests.accounts.audit.anomaly_support import event
from tests.conftest import build_world
from tests.e2e.conftest import axe_violations, describe_violations, sign_in
from tests.liaison.conftest import make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_auditor_finds_who_printed_a_card_last_week(new_context, live_server):
    world = build_world()
    card = make_household(world.beat_officer, world.beat_a1_1)
    now = timezone.now()
    last_week = now - dt.timedelta(days=5)
    card_id = str(card.pk)
    # Last week the chief printed it; the officer only opened it. A print a month ago is
    # outside the week asked about.
    event(world.chief, last_week, action=AccessEvent.Action.PRINT, object_id=card_id)
    event(world.beat_officer, last_week, action=AccessEvent.Action.VIEW, object_id=card_id)
    event(world.supervisor, now - dt.timedelta(days=30), action="print", object_id=card_id)
    # What else the chief did that week shows on his timeline.
    event(world.chief, last_week - dt.timedelta(hours=2), action="search", object_id="")

    context = new_context()
    sign_in(context, live_server, world.auditor)
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:home"))
    page.click("nav >> text=閲覧記録の監査")
    page.wait_for_url(re.compile(r"/audit/events/$"))
    found = {"閲覧記録の検索": axe_violations(page, live_server)}

    page.get_by_label("カード番号").fill(card_id)
    page.get_by_label("操作").select_option(label="印刷")
    today = timezone.localdate()
    page.get_by_label("開始").fill((today - dt.timedelta(days=7)).isoformat())
    page.get_by_label("終了", exact=True).fill(today.isoformat())
    page.click("button:has-text('検索')")
    page.wait_for_url(re.compile(r"/audit/events/\?"))
    found["検索結果"] = axe_violations(page, live_server)

    results = page.locator("main table tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(world.chief.full_name)
    expect(results.first).to_contain_text("印刷")
    expect(results.first).to_contain_text(f"カード No.{card.pk}")
    main = page.locator("main")
    expect(main).not_to_contain_text(world.supervisor.full_name)
    # The auditor sees where the card is, never whose it is.
    expect(main).not_to_contain_text(card.head_name)

    results.first.get_by_role("link", name=world.chief.full_name).click()
    page.wait_for_url(re.compile(rf"/audit/people/{world.chief.pk}/"))
    found["職員の記録"] = axe_violations(page, live_server)
    expect(page.locator("h1")).to_contain_text(world.chief.full_name)
    timeline = page.locator("main table tbody tr")
    expect(timeline.filter(has_text="印刷")).to_have_count(1)
    expect(timeline.filter(has_text="検索")).not_to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(card.head_name)

    assert not any(found.values()), describe_violations(found)
