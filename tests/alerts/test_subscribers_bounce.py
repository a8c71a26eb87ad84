"""A subscriber whose address stopped receiving after repeated undelivered mail (issue 14, 1:
the queue sets stopped_at at settings.ALERTS_BOUNCE_LIMIT) learns it on his own page, with
two ways out: 「このアドレスで受信を再開する」 (a POST that clears the stop and the count) or a
new address (whose confirmation clears both). Staff see it on their own page, and the 署長
sees how many of the station's staff are stopped, never who."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from alerts.subscribers.models import Subscriber
from tests.alerts.subscribers_kit import link_in, signup_data, subscriber
from tests.html import by_role, form_fields, forms, heading, link, text

pytestmark = pytest.mark.django_db

NOTICE = "メールが届かないため、配信を止めています"
RESUME = "このアドレスで受信を再開する"
STOPPED_AT = dt.datetime(2026, 12, 3, 7, 30, tzinfo=dt.UTC)  # 16:30 in Tokyo


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def stop(who: Subscriber, *, bounces: int = 3) -> None:
    """What the sending queue does at the bounce limit (alerts.delivery.services)."""
    Subscriber.objects.filter(pk=who.pk).update(stopped_at=STOPPED_AT, bounce_count=bounces)


@pytest.fixture
def hanako(alert_world) -> Subscriber:
    return subscriber("hanako@example.jp", [alert_world.categories["suspicious"]])


def page_url(who: Subscriber) -> str:
    return reverse("anshin:manage", kwargs={"token": who.token})


def test_a_receiving_subscriber_sees_no_notice(client, hanako):
    page = client.get(page_url(hanako))
    assert NOTICE not in text(page)
    assert RESUME not in text(page)


def test_a_stopped_subscriber_is_told_why_with_the_two_ways_out(client, hanako):
    stop(hanako)
    page = client.get(page_url(hanako))

    notice = by_role(page, "region", NOTICE)
    shown = text(notice)
    assert "ha" in shown and "@example.jp" in shown and "hanako@example.jp" not in shown
    assert "2026年12月3日 16:30から" in shown  # Tokyo time
    assert by_role(notice, "button", RESUME)
    assert link(notice, "メールアドレスを変更する")["href"] == reverse(
        "anshin:address_change", kwargs={"token": hanako.token}
    )


def test_resume_clears_the_stop_and_the_count(client, hanako):
    stop(hanako)
    (form,) = [f for f in forms(client.get(page_url(hanako))) if RESUME in text(f)]

    response = client.post(form["action"], form_fields(form))

    assert response.status_code == 302 and response["Location"] == page_url(hanako)
    hanako.refresh_from_db()
    assert hanako.stopped_at is None and hanako.bounce_count == 0
    page = client.get(page_url(hanako))
    assert "このアドレスへの配信を再開しました" in text(page)
    assert NOTICE not in text(page)


def test_resume_for_an_address_that_is_not_stopped_changes_nothing(client, hanako):
    Subscriber.objects.filter(pk=hanako.pk).update(bounce_count=2)
    response = client.post(reverse("anshin:resume", kwargs={"token": hanako.token}))
    assert response.status_code == 302
    assert "このアドレスへの配信は止まっていません" in text(client.get(response["Location"]))
    hanako.refresh_from_db()
    assert hanako.bounce_count == 2  # the queue's count runs on until the limit


def test_resume_is_a_post_with_csrf_and_by_key_only(alert_world, hanako):
    stop(hanako)
    url = reverse("anshin:resume", kwargs={"token": hanako.token})
    assert Client().get(url).status_code == 405
    assert Client(enforce_csrf_checks=True).post(url).status_code == 403
    unknown = reverse("anshin:resume", kwargs={"token": "no-such-key"})
    assert Client().post(unknown).status_code == 404
    hanako.refresh_from_db()
    assert hanako.stopped_at == STOPPED_AT


def test_a_new_address_confirmed_starts_afresh(client, hanako):
    stop(hanako)
    address_page = client.get(reverse("anshin:address_change", kwargs={"token": hanako.token}))
    assert "新しいアドレスの確認が済むと、新しいアドレスへの配信を再開します" in text(address_page)

    client.post(
        reverse("anshin:address_change", kwargs={"token": hanako.token}),
        {"email": "hanako.new@example.jp"},
    )
    hanako.refresh_from_db()
    assert hanako.stopped_at == STOPPED_AT  # nothing changes before the link is followed

    client.post(link_in(mail.outbox[-1]))

    hanako.refresh_from_db()
    assert hanako.email == "hanako.new@example.jp"
    assert hanako.stopped_at is None and hanako.bounce_count == 0
    assert NOTICE not in text(client.get(page_url(hanako)))


def test_staff_see_the_notice_on_their_own_page(alert_world, login):
    user = alert_world.beat_officer
    client = login(user)
    data = signup_data("officer@example.jp", [alert_world.categories["fraud"]])
    client.post(reverse("alerts:my_subscription"), data)
    client.post(link_in(mail.outbox[-1]))
    mine = Subscriber.objects.get(staff_user=user)
    stop(mine)

    page = client.get(reverse("alerts:my_subscription"))

    notice = by_role(page, "region", NOTICE)
    assert by_role(notice, "button", RESUME)


def test_the_station_head_sees_how_many_staff_are_stopped_never_who(alert_world, login):
    categories = [alert_world.categories["fraud"]]
    for persona in ("beat_officer", "staff"):
        user = getattr(alert_world, persona)
        client = login(user)
        client.post(
            reverse("alerts:my_subscription"), signup_data(f"{persona}@example.jp", categories)
        )
        client.post(link_in(mail.outbox[-1]))
    stop(Subscriber.objects.get(staff_user=alert_world.beat_officer))
    # A stopped resident is no member of staff.
    stop(subscriber("resident@example.jp", categories))

    page = login(alert_world.station_manager).get(reverse("alerts:staff_subscriptions"))

    section = heading(page, "メールが届かず配信を止めている職員").find_parent("section")
    assert "中央警察署：1人" in text(section)
    assert "beat_officer" not in page.content.decode()
