"""お知らせ: unread notices on the home page, newest first; opening one marks it read and
follows its link on this site; nobody opens someone else's."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Notice
from tests.html import headings

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")
TITLE = "担当の巡回連絡簿のカードが緊急閲覧されました"


def open_url(notice) -> str:
    return reverse("accounts:notice_open", kwargs={"pk": notice.pk})


def notices_panel(html: str) -> str:
    match = re.search(r">お知らせ</h2>(.*?)</section>", html, re.S)
    assert match, "no notices panel"
    return match.group(1)


def send(user, title=TITLE, url="/liaison/cards/1/", **extra) -> Notice:
    (notice,) = services.notice_send(recipients=[user], title=title, url=url)
    if extra:
        Notice.objects.filter(pk=notice.pk).update(**extra)
        notice.refresh_from_db()
    return notice


def test_the_home_page_lists_unread_notices_first(world, login):
    notice = send(world.supervisor)
    html = login(world.supervisor).get(HOME).content.decode()
    titles = headings(html, level=2)
    assert titles[0] == "お知らせ"
    panel = notices_panel(html)
    assert TITLE in panel
    assert f'action="{open_url(notice)}"' in panel
    assert 'name="csrfmiddlewaretoken"' in panel


def test_newest_first_ten_at_most_and_read_ones_gone(world, login):
    now = timezone.now()
    for index in range(12):
        send(
            world.chief, title=f"お知らせ{index:02d}", created_at=now - dt.timedelta(minutes=index)
        )
    send(world.chief, title="既読のお知らせ", read_at=now)
    panel = notices_panel(login(world.chief).get(HOME).content.decode())
    shown = re.findall(r"お知らせ\d\d", panel)
    assert shown == [f"お知らせ{index:02d}" for index in range(10)]
    assert "ほかにも未読のお知らせがあります" in panel
    assert "既読のお知らせ" not in panel


def test_no_panel_without_unread_notices(world, login):
    send(world.chief, read_at=timezone.now())
    send(world.supervisor)  # someone else's
    html = login(world.chief).get(HOME).content.decode()
    assert ">お知らせ</h2>" not in html


def test_opening_marks_it_read_and_follows_the_link(world, login):
    notice = send(world.supervisor, url="/liaison/cards/42/")
    client = login(world.supervisor)
    response = client.post(open_url(notice))
    assert response.status_code == 302
    assert response["Location"] == "/liaison/cards/42/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert ">お知らせ</h2>" not in client.get(HOME).content.decode()


def test_opening_again_keeps_the_first_read_time(world, login):
    notice = send(world.supervisor)
    client = login(world.supervisor)
    client.post(open_url(notice))
    notice.refresh_from_db()
    first = notice.read_at
    client.post(open_url(notice))
    notice.refresh_from_db()
    assert notice.read_at == first


@pytest.mark.parametrize(
    "url", ["https://example.com/", "//example.com/x", "/\\example.com", "javascript:alert(1)", ""]
)
def test_a_link_off_this_site_goes_home_instead(world, login, url):
    notice = send(world.supervisor, url=url)
    response = login(world.supervisor).post(open_url(notice))
    assert response.status_code == 302
    assert response["Location"] == HOME
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_someone_elses_notice_is_not_found(world, login):
    notice = send(world.supervisor)
    assert login(world.chief).post(open_url(notice)).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_opening_answers_only_post(world, login):
    notice = send(world.supervisor)
    assert login(world.supervisor).get(open_url(notice)).status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


def test_anonymous_is_sent_to_sign_in(client, world):
    notice = send(world.supervisor)
    response = client.post(open_url(notice))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_panel_costs_one_query_whatever_the_number_of_notices(world, login):
    client = login(world.staff)
    client.get(HOME)  # the first request stamps the session's sign-in time
    send(world.staff)
    with CaptureQueriesContext(connection) as few:
        assert TITLE in client.get(HOME).content.decode()
    for _ in range(20):
        send(world.staff)
    with CaptureQueriesContext(connection) as many:
        assert TITLE in client.get(HOME).content.decode()
    assert len(many) == len(few)
    notice_queries = [q["sql"] for q in many.captured_queries if '"accounts_notice"' in q["sql"]]
    assert len(notice_queries) == 1
