"""受信する時間帯 (issue 14, 5) on the subscriber pages: the sign-up and the subscriber's own
page offer 「いつでも受け取る」 or a start and an end on the half hour within 配信時間, say that
the urgent categories (named) come at any time and that past ALERTS_DIGEST_AFTER mails of a
category in a day the rest come as one digest; the choice travels in the signed link, is
stored on confirmation and changed on the page; a wrong band is refused at its field in
Japanese, and nothing is mailed or stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from alerts.subscribers import links
from alerts.subscribers.models import Subscriber
from tests.alerts.subscribers_kit import link_in, signup_data, subscriber
from tests.html import by_label, field_errors, form_fields, forms, terms, text

pytestmark = pytest.mark.django_db

OUTSIDE = "配信時間（7:00〜20:00）の中で、30分単位で選んでください。"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def banded(data: dict, start: str, end: str) -> dict:
    return {**data, "band": "band", "band_start": start, "band_end": end}


def options(page, label: str) -> list[str]:
    return [o.get_text() for o in by_label(page, label).find_all("option") if o.get("value")]


def test_the_sign_up_page_explains_the_band_with_the_urgent_categories_by_name(
    alert_world, client, settings
):
    settings.ALERTS_DIGEST_AFTER = 5
    settings.ALERTS_DIGEST_TIME = "18:30"
    page = client.get(reverse("anshin:signup"))

    band = by_label(page, "受信する時間帯")
    shown = text(band)
    urgent = [c for c in alert_world.categories.values() if c.is_urgent]
    assert urgent, "the preset flags some categories urgent"
    assert "いつでも届きます：" + "、".join(c.name for c in urgent) in shown
    for calm in (c for c in alert_world.categories.values() if not c.is_urgent):
        assert calm.name not in shown
    assert "1日に5通を超えるときは、それから後の分を18:30ごろに1通のメールにまとめて" in shown
    # Any time unless the subscriber says otherwise.
    assert form_fields(page)["band"] == "any"
    # Half hours of 配信時間 only, its start and end included.
    assert options(page, "開始時刻")[:3] == ["7:00", "7:30", "8:00"]
    assert options(page, "終了時刻")[-1] == "20:00"
    assert len(options(page, "開始時刻")) == 27


def test_a_category_flagged_urgent_is_named_at_once(alert_world, client):
    fraud = alert_world.categories["fraud"]
    assert fraud.name not in text(by_label(client.get(reverse("anshin:signup")), "受信する時間帯"))
    fraud.is_urgent = True
    fraud.save()
    assert fraud.name in text(by_label(client.get(reverse("anshin:signup")), "受信する時間帯"))


def test_the_offered_times_follow_the_sending_hours(alert_world, client, settings):
    settings.ALERTS_SENDING_HOURS = ["08:00", "18:00"]
    page = client.get(reverse("anshin:signup"))
    assert options(page, "開始時刻")[0] == "8:00"
    assert options(page, "終了時刻")[-1] == "18:00"
    assert "配信時間（8:00〜18:00）" in text(page)


def test_the_band_travels_in_the_link_and_is_stored_on_confirmation(alert_world, client):
    data = banded(
        signup_data("hanako@example.jp", [alert_world.categories["suspicious"]]), "08:00", "12:30"
    )
    response = client.post(reverse("anshin:signup"), data)
    assert response.status_code == 302
    assert Subscriber.objects.count() == 0
    url = link_in(mail.outbox[-1])

    page = client.get(url)
    assert ("受信する時間帯", "8:00〜12:30") in terms(page)
    client.post(url, form_fields(page))

    stored = Subscriber.objects.get()
    assert (stored.band_start, stored.band_end) == (dt.time(8, 0), dt.time(12, 30))
    mine = client.get(reverse("anshin:manage", kwargs={"token": stored.token}))
    assert ("受信する時間帯", "8:00〜12:30") in terms(mine)
    # The form starts from what is stored.
    fields = form_fields(mine)
    assert (fields["band"], fields["band_start"], fields["band_end"]) == ("band", "08:00", "12:30")


def test_any_time_stores_no_band(alert_world, client):
    data = signup_data("ken@example.jp", [alert_world.categories["traffic"]])
    # Times left in the selects mean nothing when 「いつでも受け取る」 is chosen.
    client.post(reverse("anshin:signup"), {**data, "band": "any", "band_start": "09:00"})
    url = link_in(mail.outbox[-1])
    page = client.get(url)
    assert ("受信する時間帯", "いつでも受け取る") in terms(page)
    client.post(url, form_fields(page))
    stored = Subscriber.objects.get()
    assert stored.band_start is None and stored.band_end is None


@pytest.mark.parametrize(
    ("start", "end", "label", "message"),
    [
        ("12:00", "09:00", "終了時刻", "終了の時刻は、開始の時刻より後にしてください。"),
        ("12:00", "12:00", "終了時刻", "終了の時刻は、開始の時刻より後にしてください。"),
        ("12:00", "12:30", "終了時刻", "受信する時間帯は1時間以上にしてください。"),
        ("06:00", "09:00", "開始時刻", OUTSIDE),
        ("19:00", "21:00", "終了時刻", OUTSIDE),
        ("08:15", "10:00", "開始時刻", OUTSIDE),
        ("", "10:00", "開始時刻", "開始の時刻を選んでください。"),
        ("08:00", "", "終了時刻", "終了の時刻を選んでください。"),
    ],
)
def test_a_wrong_band_is_refused_at_its_field_and_nothing_is_mailed(
    alert_world, client, start, end, label, message
):
    data = banded(signup_data("taro@example.jp", [alert_world.categories["fraud"]]), start, end)
    page = client.post(reverse("anshin:signup"), data)
    assert page.status_code == 200
    assert field_errors(page, label) == [message]
    assert "入力内容を確認してください" in text(page)
    assert not mail.outbox
    assert Subscriber.objects.count() == 0


def test_the_subscriber_changes_his_band_on_his_page_and_back_to_any_time(alert_world, client):
    hanako = subscriber("hanako@example.jp", [alert_world.categories["suspicious"]])
    url = reverse("anshin:manage", kwargs={"token": hanako.token})
    data = form_fields(client.get(url))

    response = client.post(url, banded(data, "17:00", "20:00"))
    assert response.status_code == 302
    hanako.refresh_from_db()
    assert (hanako.band_start, hanako.band_end) == (dt.time(17, 0), dt.time(20, 0))
    assert ("受信する時間帯", "17:00〜20:00") in terms(client.get(url))

    client.post(url, {**data, "band": "any"})
    hanako.refresh_from_db()
    assert hanako.band_start is None and hanako.band_end is None


def test_a_wrong_band_on_the_page_changes_nothing(alert_world, client):
    hanako = subscriber("hanako@example.jp", [alert_world.categories["suspicious"]])
    url = reverse("anshin:manage", kwargs={"token": hanako.token})
    page = client.post(url, banded(form_fields(client.get(url)), "10:00", "10:30"))
    assert page.status_code == 200
    assert field_errors(page, "終了時刻") == ["受信する時間帯は1時間以上にしてください。"]
    hanako.refresh_from_db()
    assert hanako.band_start is None


def test_a_link_whose_band_the_hours_no_longer_allow_is_refused_on_confirmation(
    alert_world, client, settings
):
    """The link was mailed when 配信時間 were wider; confirming it stores nothing wrong."""
    pending = links.Pending(
        kind=links.SIGNUP,
        email="late@example.jp",
        choices=links.Choices(
            (alert_world.categories["fraud"].pk,), True, (), dt.time(7, 0), dt.time(9, 0)
        ),
    )
    settings.ALERTS_SENDING_HOURS = ["08:00", "20:00"]
    url = reverse("anshin:confirm") + "?t=" + links.pending_dumps(pending)

    page = client.post(url)
    assert page.status_code == 200
    assert "配信時間（8:00〜20:00）の中で、30分単位で選んでください。" in text(page)
    assert Subscriber.objects.count() == 0


def test_a_link_with_a_garbled_band_is_invalid(alert_world, client):
    from django.core import signing

    payload = {"k": "signup", "e": "x@example.jp", "c": [1], "w": True, "m": [], "b": ["7", "x"]}
    token = signing.dumps(payload, salt=links.SALT, compress=True)
    assert client.get(reverse("anshin:confirm"), {"t": token}).status_code == 400


def test_staff_choose_a_band_on_their_own_page(alert_world, login):
    user = alert_world.beat_officer
    client = login(user)
    page = client.get(reverse("alerts:my_subscription"))
    # The page's own form (the layout has the sign-out form first).
    (form,) = [f for f in forms(page) if f.find(attrs={"name": "band"})]
    assert form_fields(form)["band"] == "any"
    data = banded(signup_data("me@example.jp", [alert_world.categories["fraud"]]), "09:00", "17:00")
    assert client.post(reverse("alerts:my_subscription"), data).status_code == 302
    client.post(link_in(mail.outbox[-1]))
    mine = Subscriber.objects.get(staff_user=user)
    assert (mine.band_start, mine.band_end) == (dt.time(9, 0), dt.time(17, 0))
    assert ("受信する時間帯", "9:00〜17:00") in terms(client.get(reverse("alerts:my_subscription")))
