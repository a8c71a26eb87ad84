"""The live progress of an alert's sending (issue 14 point 3): the figures for a known mix
of rows, exactly; the fragment the alert's page polls and its 286 when done (htmx 2 stops
polling on it); who may see it (whoever may open the alert; anyone else a 404); the panel
on the alert's page only once the sender has confirmed."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from alerts.delivery.models import DeliveryStatus
from alerts.delivery.selectors import delivery_progress
from tests.alerts.progress_kit import mark_sent, mark_started, rows, scheduled_alert
from tests.html import soup, terms
from tests.html import text as page_text

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO)
HTMX = {"HX-Request": "true"}
SEC = dt.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sending(alert_world, make_draft):
    alert = scheduled_alert(alert_world, make_draft, now=NOW - dt.timedelta(minutes=10))
    return mark_started(alert, at=NOW - dt.timedelta(minutes=9))


def lay_mix(alert) -> None:
    """21 rows: 8 sent (5 in the last minute), 2 failed, 1 dropped, 4 due, 2 claimed, 3
    waiting for their receive-time band and 1 for the evening digest."""
    due = NOW - dt.timedelta(minutes=9)
    rows(alert, 5, DeliveryStatus.SENT, not_before=due, sent_at=NOW - 10 * SEC)
    rows(alert, 3, DeliveryStatus.SENT, not_before=due, sent_at=NOW - 5 * 60 * SEC)
    rows(alert, 2, DeliveryStatus.FAILED, not_before=due)
    rows(alert, 1, DeliveryStatus.DROPPED, not_before=due)
    rows(alert, 4, DeliveryStatus.PENDING, not_before=due)
    rows(alert, 2, DeliveryStatus.SENDING, not_before=due)
    rows(alert, 3, DeliveryStatus.PENDING, not_before=NOW + dt.timedelta(hours=2))
    rows(alert, 1, DeliveryStatus.PENDING, not_before=NOW + dt.timedelta(hours=9), in_digest=True)


def test_the_figures_of_a_known_mix_are_exact_in_one_query(sending, django_assert_num_queries):
    lay_mix(sending)
    with django_assert_num_queries(1):
        p = delivery_progress(alert=sending, now=NOW)
    assert (p.total, p.sent, p.failed, p.dropped) == (21, 8, 2, 1)
    assert (p.waiting, p.queued, p.rate) == (4, 6, 5)
    assert p.settled == 11
    assert p.percent == 52
    # 6 queued at 5 a minute: 1.2 minutes, in Tokyo time.
    assert p.estimated_end == NOW + dt.timedelta(seconds=72)
    assert p.estimated_end.utcoffset() == dt.timedelta(hours=9)
    assert p.started and not p.done and p.finished_at is None


def test_without_a_send_in_the_last_minute_there_is_no_estimate(sending):
    rows(sending, 3, DeliveryStatus.SENT, not_before=NOW, sent_at=NOW - 2 * 60 * SEC)
    rows(sending, 2, DeliveryStatus.PENDING, not_before=NOW)
    p = delivery_progress(alert=sending, now=NOW)
    assert (p.rate, p.queued, p.estimated_end, p.done) == (0, 2, None, False)


def test_it_is_done_when_nothing_is_open_even_before_the_queue_marks_it(sending):
    rows(sending, 3, DeliveryStatus.SENT, not_before=NOW, sent_at=NOW - 30 * SEC)
    rows(sending, 1, DeliveryStatus.FAILED, not_before=NOW)
    p = delivery_progress(alert=sending, now=NOW)
    assert p.done
    assert p.finished_at == NOW - 30 * SEC


def test_rows_waiting_for_the_evening_keep_it_open(sending):
    rows(sending, 3, DeliveryStatus.SENT, not_before=NOW, sent_at=NOW - 30 * SEC)
    rows(sending, 1, DeliveryStatus.PENDING, not_before=NOW + dt.timedelta(hours=9))
    p = delivery_progress(alert=sending, now=NOW)
    assert (p.done, p.waiting, p.queued, p.estimated_end) == (False, 1, 0, None)


def test_an_alert_marked_sent_is_done_at_its_sent_time(sending):
    rows(sending, 2, DeliveryStatus.SENT, not_before=NOW, sent_at=NOW - 60 * SEC)
    alert = mark_sent(sending, at=NOW - 50 * SEC)
    p = delivery_progress(alert=alert, now=NOW)
    assert p.done and p.finished_at == NOW - 50 * SEC


# --- The fragment ----------------------------------------------------------------------------


def _url(alert) -> str:
    return reverse("alerts:delivery_progress", kwargs={"pk": alert.pk})


def test_the_fragment_shows_the_figures_and_asks_again(alert_world, sending, login):
    lay_mix(sending)
    response = login(alert_world.alert_author).get(_url(sending), headers=HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    figures = dict(terms(response))
    assert figures["送信済み"] == "8件"
    assert figures["送信できず"] == "2件"
    assert figures["待機中（受信時間帯・まとめ送信）"] == "4件"
    assert figures["送信待ち"] == "6件"
    assert figures["毎分の送信数"] == "5件／分（直近1分間）"
    assert figures["終了見込み"].startswith("2026年12月2日 10:01:12ごろ")
    page = soup(response)
    bar = page.find("progress")
    assert (bar["max"], bar["value"]) == ("21", "11")
    assert page.find("label", attrs={"for": bar["id"]}).get_text().startswith("配信の進み具合")
    box = page.find(id="delivery-progress")
    assert box["hx-trigger"] == "every 2s"
    assert box["hx-get"] == _url(sending)


def test_when_done_it_answers_286_and_stops_asking(alert_world, sending, login):
    rows(sending, 2, DeliveryStatus.SENT, not_before=NOW, sent_at=NOW - 60 * SEC)
    mark_sent(sending, at=NOW - 50 * SEC)
    response = login(alert_world.alert_approver).get(_url(sending), headers=HTMX)
    assert response.status_code == 286
    assert "配信完了：2026年12月2日 09:59:10に配信を終えました" in page_text(response)
    assert not soup(response).find(id="delivery-progress").has_attr("hx-get")


def test_a_scheduled_alert_waits_and_keeps_asking(alert_world, make_draft, login):
    alert = scheduled_alert(alert_world, make_draft, now=NOW)
    response = login(alert_world.alert_sender).get(_url(alert), headers=HTMX)
    assert response.status_code == 200
    assert "配信の開始を待っています" in page_text(response)
    assert soup(response).find(id="delivery-progress").has_attr("hx-get")


def test_a_draft_has_nothing_to_show_and_stops(alert_world, make_draft, login):
    alert = make_draft("suspicious")
    response = login(alert_world.alert_author).get(_url(alert), headers=HTMX)
    assert response.status_code == 286
    assert "この配信は送信されていません" in page_text(response)


@pytest.mark.parametrize(
    "person",
    ["alert_author", "alert_reviewer", "alert_approver", "alert_sender", "alert_hq_approver"],
)
def test_the_author_the_approvers_and_the_sender_see_it(alert_world, sending, login, person):
    lay_mix(sending)
    response = login(getattr(alert_world, person)).get(_url(sending), headers=HTMX)
    assert response.status_code == 200
    assert dict(terms(response))["送信済み"] == "8件"


@pytest.mark.parametrize("person", ["author_b", "approver_b", "seian_approver", "no_role"])
def test_anyone_else_gets_a_404(alert_world, sending, login, person):
    lay_mix(sending)
    response = login(getattr(alert_world, person)).get(_url(sending), headers=HTMX)
    assert response.status_code == 404
    assert "送信済み" not in page_text(response)


def test_without_script_the_same_figures_are_a_page_with_a_way_back(alert_world, sending, login):
    lay_mix(sending)
    response = login(alert_world.alert_author).get(_url(sending))
    assert response.status_code == 200
    page = soup(response)
    assert page.find("h1").get_text() == f"配信の状況：{sending.title}"
    crumbs = [a.get_text() for a in page.select("nav.breadcrumbs a")]
    assert crumbs[-1] == sending.title
    assert dict(terms(response))["送信待ち"] == "6件"


# --- The panel on the alert's page -----------------------------------------------------------


def _detail(client, alert):
    return soup(client.get(reverse("alerts:alert_detail", kwargs={"pk": alert.pk})))


def test_the_alert_page_loads_the_panel_once_sending(alert_world, sending, login):
    page = _detail(login(alert_world.alert_author), sending)
    box = page.find(id="delivery-progress")
    assert box["hx-get"] == _url(sending)
    assert box["hx-trigger"] == "load, every 2s"
    assert page.find(id="h-delivery-progress").get_text() == "配信の状況"


def test_a_draft_page_has_no_panel(alert_world, make_draft, login):
    page = _detail(login(alert_world.alert_author), make_draft("suspicious"))
    assert page.find(id="delivery-progress") is None
