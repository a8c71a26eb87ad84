"""The progress panel in a real browser (Chromium, htmx 2): rows the queue marks sent
between two polls appear on the alert's page without a reload, the panel says 「配信完了」
when the last is settled and then stops asking the server; the page has no WCAG 2 A/AA
violation (axe-core) and trips no Content Security Policy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.delivery.models import Delivery, DeliveryStatus
from tests.alerts.conftest import OFFICE_MORNING
from tests.alerts.progress_kit import mark_sent, mark_started, rows, scheduled_alert
from tests.browser import axe_violations, describe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _figure(page, name: str):
    return page.locator(f'#delivery-progress [data-figure="{name}"]')


def _send(alert, count: int) -> None:
    """What a worker does: mark `count` due rows sent now."""
    ids = list(
        Delivery.objects.filter(alert=alert, status=DeliveryStatus.PENDING).values_list(
            "pk", flat=True
        )[:count]
    )
    Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.SENT, sent_at=timezone.now())


def test_sent_rows_show_up_without_a_reload_and_polling_stops_when_done(
    alert_world, make_draft, new_context, live_server
):
    alert = scheduled_alert(alert_world, make_draft, now=OFFICE_MORNING)
    now = timezone.now()
    alert = mark_started(alert, at=now)
    rows(alert, 3, DeliveryStatus.SENT, not_before=now, sent_at=now)
    rows(alert, 5, DeliveryStatus.PENDING, not_before=now - dt.timedelta(seconds=5))

    context = new_context()
    sign_in(context, live_server, alert_world.alert_author)
    page = context.new_page()
    refusals: list[str] = []
    page.on(
        "console",
        lambda m: refusals.append(m.text) if "Content Security Policy" in m.text else None,
    )
    polls: list[str] = []
    progress_url = reverse("alerts:delivery_progress", kwargs={"pk": alert.pk})
    page.on("request", lambda r: polls.append(r.url) if progress_url in r.url else None)

    page.goto(live_server.url + reverse("alerts:alert_detail", kwargs={"pk": alert.pk}))
    _figure(page, "sent").filter(has_text=re.compile(r"^3$")).wait_for(timeout=30_000)
    assert _figure(page, "queued").inner_text() == "5"
    # A mark that a reload would wipe out.
    page.evaluate("window.__notReloaded = true")

    _send(alert, 2)
    _figure(page, "sent").filter(has_text=re.compile(r"^5$")).wait_for(timeout=30_000)
    assert _figure(page, "queued").inner_text() == "3"
    assert _figure(page, "rate").inner_text() == "5"
    assert page.get_by_label(re.compile("配信の進み具合")).get_attribute("value") == "5"

    _send(alert, 3)
    mark_sent(alert, at=timezone.now())
    page.get_by_text(re.compile("配信完了")).wait_for(timeout=30_000)
    assert page.evaluate("window.__notReloaded === true")
    found = {"配信の詳細（完了）": axe_violations(page, live_server)}

    # Stopped: no request for the fragment in the next few seconds (the poll is every 2 s).
    asked = len(polls)
    page.wait_for_timeout(5_000)
    assert len(polls) == asked
    assert not any(found.values()), "\n" + describe_violations(found)
    assert not refusals, refusals
