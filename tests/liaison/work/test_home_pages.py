"""The home pages as the day starts (issue 10, point 11): the beat officer sees today's
要訪問, 期限超過 and 未対応の事項, each a link to the list behind it, and his books as
links; the 地域課長等 sees the submitted cards waiting for a beat, with how long each has
waited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.cards import services
from liaison.cards.models import CardKind
from tests.html import heading, link, text
from tests.liaison.conftest import MEMBERS

from .conftest import household, visit

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")


def panel(page, title: str):
    """The home panel under the heading that names it."""
    return heading(page, title, exact=False).find_parent("section")


@pytest.fixture
def morning(world):
    """Beat A1-1: one card overdue, one due today, one visited; two open follow-ups."""
    household(world, "1-1")  # filed long ago, never visited: overdue
    household(world, "2-2", made_at=None)  # filed today: due today
    done = household(world, "3-3")
    visit(world.beat_officer, done, follow_up_department="safety", follow_up_note="防犯灯")
    asked = household(world, "4-4")
    visit(
        world.beat_officer,
        asked,
        days_ago=400,
        follow_up_department="traffic",
        follow_up_note="カーブミラー",
    )


def test_the_officer_sees_todays_round_each_figure_a_link(world, login, morning):
    section = panel(login(world.beat_officer).get(HOME), "巡回連絡の予定")
    worklist = reverse("liaison:worklist")
    assert link(section, "3件 本日の要訪問")["href"] == worklist
    assert link(section, "2件 うち期限超過")["href"] == f"{worklist}?overdue=on"
    assert link(section, "2件 未対応の事項")["href"] == reverse("liaison:follow_up_list")


def test_the_overdue_link_shows_the_overdue_cards_only(world, login, morning):
    client = login(world.beat_officer)
    page = client.get(reverse("liaison:worklist"), {"overdue": "on"}).content.decode()
    assert "期限超過の2件を表示しています" in page
    assert "笠原町1-1" in page and "笠原町4-4" in page
    assert "笠原町2-2" not in page  # due today, not overdue
    everything = client.get(reverse("liaison:worklist")).content.decode()
    assert "笠原町2-2" in everything


def test_the_follow_up_link_lists_them_oldest_first_with_a_way_to_each(world, login, morning):
    client = login(world.beat_officer)
    response = client.get(reverse("liaison:follow_up_list"))
    shown = text(response)
    assert "2件" in shown
    assert shown.index("カーブミラー") < shown.index("防犯灯")
    assert "交通課" in shown and "生活安全課" in shown
    assert "no-store" in response["Cache-Control"]


def test_no_follow_up_is_said_so(world, login):
    response = login(world.beat_officer).get(reverse("liaison:follow_up_list"))
    assert "未対応の事項はありません。" in response.content.decode()
    assert "0件" in response.content.decode()


def test_another_stations_follow_ups_are_not_listed(world, login, morning):
    html = login(world.other_officer).get(reverse("liaison:follow_up_list")).content.decode()
    assert "カーブミラー" not in html


def test_the_books_on_the_home_page_are_links(world, login):
    html = login(world.supervisor).get(HOME).content.decode()
    section = panel(html, "担当する巡回連絡簿")
    for beat in (world.beat_a1_1, world.beat_a1_2):
        assert link(section, beat.name)["href"] == reverse("liaison:book_detail", args=[beat.pk])


def test_the_chief_sees_submitted_cards_waiting_with_their_age(world, login, time_machine):
    waited = {}
    for days, member in ((5, MEMBERS[0]), (1, MEMBERS[1])):
        time_machine.move_to(timezone.now() - dt.timedelta(days=days))
        card = services.card_create(
            actor=world.staff,
            kind=CardKind.HOUSEHOLD,
            station=world.station_a,
            data={"town": "笠原町", "banchi": f"{days}-1"},
            members=[member],
        )
        waited[days] = card
        time_machine.move_to(timezone.now() + dt.timedelta(days=days))
    html = login(world.chief).get(HOME).content.decode()
    section = panel(html, "受持区の指定を待つカード")
    shown = text(section)
    assert "2件" in shown
    assert shown.index(f"No.{waited[5].pk}") < shown.index(f"No.{waited[1].pk}")
    assert "5日" in shown and "1日" in shown
    assert link(section, f"No.{waited[5].pk}")["href"] == (
        reverse("liaison:card_assign", args=[waited[5].pk])
    )
    # Who and where of the resident stay off the home page.
    assert "山田" not in shown and "笠原町" not in shown


def test_the_officer_has_no_panel_of_cards_waiting(world, login):
    html = login(world.beat_officer).get(HOME).content.decode()
    assert "受持区の指定を待つカード" not in html
