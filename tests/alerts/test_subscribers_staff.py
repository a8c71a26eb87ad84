"""Staff and あんしんメール (seed 003 6⑸): a member of staff subscribes with his own address
through the same link (no row before it is followed), sees his subscription and the way to
change or stop it; the 所属長 of a station (署長, or the 運用管理者 there) sees how many of its
staff have subscribed, of how many — never who, never an address."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from alerts.subscribers.models import Subscriber
from tests.alerts.subscribers_kit import link_in, signup_data, subscriber
from tests.conftest import PERSONAS
from tests.html import link, links, row, terms, text

pytestmark = pytest.mark.django_db

# The personas appointed at station A or one of its posts: its staff.
STATION_A_STAFF = [
    p for p, spec in PERSONAS.items() if spec and spec[1] in ("station_a", "post_a1")
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def staff_subscribes(client, user, email, categories) -> None:
    """Through his own page and the mailed link, as he would."""
    response = client.post(reverse("alerts:my_subscription"), signup_data(email, categories))
    assert response.status_code == 302, response.status_code
    client.post(link_in(mail.outbox[-1]))


def test_a_member_of_staff_subscribes_through_the_link(alert_world, login, settings):
    officer = alert_world.beat_officer
    officer.email = "officer@police.example.jp"
    officer.save()
    client = login(officer)
    url = reverse("alerts:my_subscription")
    page = client.get(url)
    assert page.status_code == 200
    assert f"「{settings.ALERTS_SENDING_DOMAIN}」のドメイン指定受信" in text(page)

    data = signup_data("my.phone@example.jp", [alert_world.categories["suspicious"]])
    response = client.post(url, data)
    assert response.status_code == 302
    assert "確認メールを送りました" in text(client.get(url))
    assert mail.outbox[-1].to == ["my.phone@example.jp"]
    assert not Subscriber.objects.exists()  # nothing before the link

    client.post(link_in(mail.outbox[-1]))
    mine = Subscriber.objects.get()
    assert mine.staff_user == officer
    assert mine.staff_station == alert_world.station_a
    assert list(mine.categories.all()) == [alert_world.categories["suspicious"]]

    page = client.get(url)
    assert ("受け取る情報", "不審者情報") in terms(page)
    assert link(page, "受け取る情報・地域・アドレスを変更する")["href"] == reverse(
        "anshin:manage", kwargs={"token": mine.token}
    )
    assert link(page, "配信を停止する")["href"] == reverse(
        "anshin:unsubscribe", kwargs={"token": mine.token}
    )
    assert "my.phone@example.jp" not in page.content.decode()


def test_the_form_offers_his_address_and_a_second_sign_up_is_refused(alert_world, login):
    officer = alert_world.staff
    officer.email = "staff@police.example.jp"
    officer.save()
    client = login(officer)
    url = reverse("alerts:my_subscription")
    assert 'value="staff@police.example.jp"' in client.get(url).content.decode()
    staff_subscribes(client, officer, "staff@police.example.jp", [alert_world.categories["fraud"]])
    sent = len(mail.outbox)
    response = client.post(url, signup_data("other@example.jp", [alert_world.categories["fraud"]]))
    assert response.status_code == 302
    assert len(mail.outbox) == sent
    assert Subscriber.objects.get().email == "staff@police.example.jp"


def test_a_resident_subscription_becomes_his_when_he_confirms_it(alert_world, login):
    """He had signed up on the public page before: following his staff link names him."""
    resident = subscriber("chief@example.jp", [alert_world.categories["traffic"]])
    client = login(alert_world.chief)
    staff_subscribes(
        client, alert_world.chief, "chief@example.jp", [alert_world.categories["fraud"]]
    )
    resident.refresh_from_db()
    assert resident.staff_user == alert_world.chief
    assert list(resident.categories.all()) == [alert_world.categories["fraud"]]
    assert Subscriber.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(alert_world, client):
    for name in ("alerts:my_subscription", "alerts:staff_subscriptions"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("head", ["station_manager", "alert_approver"])
def test_the_head_of_the_station_sees_how_many_of_its_staff_subscribed(
    alert_world, login, client, head
):
    categories = [alert_world.categories["suspicious"]]
    for persona in ("beat_officer", "staff"):
        user = getattr(alert_world, persona)
        staff_subscribes(login(user), user, f"{persona}@example.jp", categories)
    # A resident and a member of staff of the other station do not count for station A.
    subscriber("resident@example.jp", categories)
    staff_subscribes(login(alert_world.author_b), alert_world.author_b, "b@example.jp", categories)

    page = login(getattr(alert_world, head)).get(reverse("alerts:staff_subscriptions"))
    assert page.status_code == 200
    staff = len(STATION_A_STAFF)
    assert row(page, "中央警察署") == [f"{staff}人", "2人", f"{round(200 / staff)}%"]
    assert "北警察署" not in text(page)
    body = page.content.decode()
    assert "@example.jp" not in body
    assert "beat_officer 職員" not in body


def test_the_other_station_head_sees_his_own_station_only(alert_world, login):
    page = login(alert_world.approver_b).get(reverse("alerts:staff_subscriptions"))
    assert page.status_code == 200
    assert row(page, "北警察署")[1] == "0人"
    assert "中央警察署" not in text(page)


@pytest.mark.parametrize(
    "persona", ["beat_officer", "chief", "staff", "alert_author", "alert_hq_approver", "no_role"]
)
def test_others_may_not_see_the_counts(alert_world, login, persona):
    response = login(getattr(alert_world, persona)).get(reverse("alerts:staff_subscriptions"))
    assert response.status_code == 403


def test_the_menu_offers_each_his_own_pages(alert_world, login):
    home = reverse("accounts:home")
    officer_menu = [name for name, _ in links(login(alert_world.beat_officer).get(home))]
    assert "あんしんメールの登録" in officer_menu
    assert "職員の会員登録の状況" not in officer_menu
    head_menu = [name for name, _ in links(login(alert_world.station_manager).get(home))]
    assert "職員の会員登録の状況" in head_menu


def test_the_counts_take_as_many_queries_however_many_subscribed(
    alert_world, login, django_assert_num_queries, django_assert_max_num_queries
):
    client = login(alert_world.station_manager)
    url = reverse("alerts:staff_subscriptions")
    client.get(url)  # sessions and caches warm
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    before = len(few.captured_queries)
    for persona in STATION_A_STAFF:
        user = getattr(alert_world, persona)
        subscriber(f"{persona}@example.jp", [alert_world.categories["suspicious"]])
        Subscriber.objects.filter(email=f"{persona}@example.jp").update(staff_user=user)
    with django_assert_num_queries(before):
        client.get(url)
