"""あんしんメールの統計 in a real browser: the charts are drawn without script or inline
style (no Content Security Policy refusal), the page has no WCAG 2 A/AA violation
(axe-core), and the period form reloads the figures for the months chosen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.delivery.models import DeliveryStatus
from alerts.drafts.models import Alert, AlertStatus
from alerts.subscribers.models import Subscriber
from tests.alerts.progress_kit import rows
from tests.browser import axe_violations, describe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOT = "/tmp/anshin-reports.png"  # noqa: S108  (where the reviewer looks at it)


def test_the_reports_page_reads_well_in_a_browser(
    alert_world, make_draft, new_context, live_server
):
    now = timezone.now()
    for code, days in (("suspicious", 40), ("fraud", 5), ("suspicious", 1)):
        alert = make_draft(code)
        started = now - dt.timedelta(days=days)
        Alert.objects.filter(pk=alert.pk).update(
            status=AlertStatus.SENT,
            created_at=started - dt.timedelta(hours=2),
            sending_started_at=started,
        )
        rows(alert, 9, DeliveryStatus.SENT, not_before=started, sent_at=started)
        rows(alert, 1, DeliveryStatus.FAILED, not_before=started)
    for index, days in enumerate((200, 90, 30, 3)):
        s = Subscriber.objects.create(
            email=f"r{index}@example.jp",
            confirmed_at=now - dt.timedelta(days=days),
            whole_prefecture=index % 2 == 0,
        )
        s.categories.set([alert_world.categories["suspicious"]])
        if index % 2:
            s.municipalities.set([alert_world.municipalities["chuo"]])

    context = new_context()
    sign_in(context, live_server, alert_world.alert_hq_approver)
    page = context.new_page()
    refusals: list[str] = []
    page.on(
        "console",
        lambda m: refusals.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(live_server.url + reverse("alerts:report_index"))
    assert page.locator("h1").inner_text() == "あんしんメールの統計"
    assert page.get_by_role("img", name="月別の配信件数").count() == 1
    found = {"統計": axe_violations(page, live_server)}
    page.screenshot(path=SHOT, full_page=True)

    this_month = timezone.localdate().strftime("%Y-%m")
    page.get_by_label("開始月").fill(this_month)
    page.get_by_role("button", name="表示する").click()
    page.wait_for_load_state("load")
    months = page.locator("#table-alerts_by_month tbody tr")
    assert months.count() == 1
    found["統計（今月）"] = axe_violations(page, live_server)
    assert not any(found.values()), "\n" + describe_violations(found)
    assert not refusals, refusals
