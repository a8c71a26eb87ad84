"""巡回連絡の予定: the beat officer's due and overdue cards, the most pressing first; a card
drops off once he has visited it (or found nobody home) today."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import AccessEvent
from liaison.filing import services as filing_services
from liaison.planning import services as planning_services
from liaison.planning import views as planning_views
from liaison.visits import services as visits_services
from liaison.visits.models import VisitOutcome
from tests.html import by_label
from tests.liaison.conftest import make_business

from .conftest import DAY, at, household, rows_of, visit

pytestmark = pytest.mark.django_db

URL = reverse("liaison:worklist")


def page(client, url=URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["supervisor", "chief", "staff", "overall_manager", "no_role"])
def test_it_is_the_beat_officers_page(world, login, persona):
    assert login(getattr(world, persona)).get(URL).status_code == 403


@pytest.mark.smoke  # the officer's daily page, also on SQLite (make run)
def test_it_lists_due_cards_by_priority_then_address(world, login):
    a = household(world, "1-1")
    b = household(world, "2-1", care_elderly_alone=True)
    c = household(world, "3-1")
    d = household(world, "1-5")
    household(world, "9-9", made_at=None)  # never visited: due from the day it was filed
    visit(world.beat_officer, a, days_ago=400)  # 35 days overdue → 35
    visit(world.beat_officer, b, days_ago=380)  # 15 days × (1 + 1 care point) → 30
    visit(world.beat_officer, c, days_ago=380)  # 15
    visit(world.beat_officer, d, days_ago=380)  # 15, before 3-1 by address
    household(world, "5-5", draft=True)  # a draft is not counted
    fresh = household(world, "7-7")
    visit(world.beat_officer, fresh, days_ago=10)  # visited within its cycle

    html = page(login(world.beat_officer))

    assert rows_of(html) == ["笠原町1-1", "笠原町2-1", "笠原町1-5", "笠原町3-1", "笠原町9-9"]
    assert "5件（うち期限超過 4件）" in html
    assert "一人暮らしの高齢者" in html
    assert "35日" in html
    assert "未訪問" in html
    assert "2025年10月26日" in html  # a's last visit (400 days before DAY)
    assert "2026年10月26日" in html  # a's due date


def test_each_row_links_to_the_visit_form_and_the_absent_button(world, login):
    card = household(world, "1-1")
    html = page(login(world.beat_officer))
    record = reverse("liaison:visit_create", kwargs={"pk": card.pk})
    assert f'href="{record}?next=%2Fliaison%2Fworklist%2F"' in html
    absent = reverse("liaison:visit_absent", kwargs={"pk": card.pk})
    assert f'action="{absent}"' in html
    assert '<input type="hidden" name="next" value="/liaison/worklist/">' in html


def test_a_card_visited_or_found_absent_today_drops_off(world, login, afternoon):
    visited = household(world, "1-1")
    absent = household(world, "2-2")
    waiting = household(world, "3-3")
    client = login(world.beat_officer)
    assert rows_of(page(client)) == ["笠原町1-1", "笠原町2-2", "笠原町3-3"]

    visit(world.beat_officer, visited)
    visits_services.visit_absent(actor=world.beat_officer, card=absent, at=at(DAY, 11))
    html = page(client)
    assert rows_of(html) == ["笠原町3-3"]
    assert "1件" in html

    # The next day the household found absent is due again; the visited one is not.
    afternoon.shift(dt.timedelta(days=1))
    client = login(world.beat_officer)  # a new day, a new sign-in
    assert rows_of(page(client)) == ["笠原町2-2", "笠原町3-3"]
    assert waiting.pk  # still listed, untouched


def test_closed_cards_and_other_beats_are_not_listed(world, login, other_station_card):
    household(world, "1-1")
    closed = household(world, "2-2")
    filing_services.card_close(
        actor=world.beat_officer, card=closed, version=None, reason="moved", closed_on=DAY
    )
    household(world, "3-3", officer=world.supervisor, beat=world.beat_a1_2)
    assert rows_of(page(login(world.beat_officer))) == ["笠原町1-1"]


def test_an_officer_with_several_beats_can_show_one(world, login):
    accounts_services.beat_assignment_start(
        actor=None, officer=world.beat_officer, beat=world.beat_a1_2, starts_on=DAY
    )
    household(world, "1-1")
    household(world, "2-2", beat=world.beat_a1_2)
    client = login(world.beat_officer)

    html = page(client)
    assert rows_of(html) == ["笠原町1-1", "笠原町2-2"]
    assert by_label(html, "受持区").name == "select"
    assert "<td>第2受持区</td>" in html

    html = page(client, f"{URL}?beat={world.beat_a1_2.pk}")
    assert rows_of(html) == ["笠原町2-2"]
    assert "駅前交番 第2受持区：要訪問 1件" in html
    print_link = reverse("liaison:worklist_print") + f"?beat={world.beat_a1_2.pk}"
    assert print_link in html

    # A beat that is not his is refused at the field and the whole list shown.
    html = page(client, f"{URL}?beat={world.beat_b1_1.pk}")
    assert "受持区は一覧から選んでください" in html
    assert rows_of(html) == ["笠原町1-1", "笠原町2-2"]


def test_one_beat_needs_no_filter(world, login):
    household(world, "1-1")
    assert 'for="id_beat"' not in page(login(world.beat_officer))


def test_listing_is_logged_with_the_count_only(world, login):
    household(world, "1-1")
    household(world, "2-2")
    page(login(world.beat_officer))
    event = AccessEvent.objects.filter(
        user=world.beat_officer, action=AccessEvent.Action.LIST, object_type="liaison.liaisoncard"
    ).get()
    assert "2件" in event.summary
    assert "笠原" not in event.summary
    assert event.station == world.station_a


def test_nothing_due_is_said_plainly(world, login):
    card = household(world, "1-1")
    visit(world.beat_officer, card, days_ago=3)
    assert "いま巡回連絡の時期が来ているカードはありません" in page(login(world.beat_officer))


def test_business_cards_are_listed_too(world, login):
    make_business(world.beat_officer, world.beat_a1_1)
    html = page(login(world.beat_officer))
    assert "笠原商店" in html
    assert "事業所" in html


def test_his_dedicated_days_of_the_month_are_shown(world, login):
    planning_services.dedicated_day_set(
        actor=world.chief, station=world.station_a, officer=world.beat_officer, date=DAY
    )
    planning_services.dedicated_day_set(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        date=DAY - dt.timedelta(days=7),
    )
    planning_services.dedicated_day_set(  # next month: not this month's line
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        date=DAY + dt.timedelta(days=3),
    )
    html = page(login(world.beat_officer))
    assert "今月の専従日：11月23日（月）、11月30日（月）" in html
    assert "本日は巡回連絡の専従日です" in html


def test_no_dedicated_day_is_said(world, login):
    assert "今月の専従日：設定なし" in page(login(world.beat_officer))


def test_fifty_a_page(world, login):
    for n in range(55):
        household(world, f"{n + 1}-1")
    client = login(world.beat_officer)
    first = page(client)
    assert len(rows_of(first)) == 50
    assert "1 / 2ページ" in first
    assert len(rows_of(page(client, f"{URL}?page=2"))) == 5


def test_the_pages_continue_the_order(world, login, monkeypatch):
    """The order is made by the database and read a page at a time: the pages together are
    the whole list, in order, each card once."""
    monkeypatch.setattr(planning_views, "WORKLIST_PER_PAGE", 2)
    for banchi, days_ago in (("1-1", 400), ("2-1", 380), ("3-1", 400), ("4-1", 390)):
        visit(world.beat_officer, household(world, banchi), days_ago=days_ago)
    household(world, "5-1", made_at=None)  # filed today: due today, last
    client = login(world.beat_officer)

    shown = [rows_of(page(client, f"{URL}?page={n}")) for n in (1, 2, 3)]

    assert shown == [["笠原町1-1", "笠原町3-1"], ["笠原町4-1", "笠原町2-1"], ["笠原町5-1"]]


def test_overdue_only_lists_the_overdue_cards_with_their_count(world, login):
    visit(world.beat_officer, household(world, "1-1"), days_ago=400)
    household(world, "2-1", made_at=None)  # filed today: due, not yet overdue
    tried = household(world, "3-1")
    visit(world.beat_officer, tried, days_ago=400)
    visit(world.beat_officer, tried, days_ago=0, outcome=VisitOutcome.ABSENT)  # 不在 today
    client = login(world.beat_officer)

    html = page(client, f"{URL}?overdue=on")

    assert rows_of(html) == ["笠原町1-1"]
    assert "要訪問 3件（うち期限超過 2件）" in html
    assert "本日訪問して不在だった1件" in html
    assert "期限超過の1件を表示しています" in html
    assert rows_of(page(client)) == ["笠原町1-1", "笠原町2-1"]


# Session, user, OTP device; his beats with the visit-frequency policy and his dedicated
# days (one query); the worklist (the due rule's station instructions, the figures with the
# listed count, one page of cards); the access event's insert; the cards handed and not yet
# collected (手交, one query). The acting roles and the menu come from the grants cache; the
# session is not written. Pinned: it must not grow with the number of cards.
WORKLIST_QUERIES = 9


def test_query_count_does_not_grow_with_the_cards(world, login, django_assert_num_queries):
    for n in range(3):
        household(world, f"{n + 1}-1", care_elderly_only=bool(n % 2))
    client = login(world.beat_officer)
    client.get(URL)  # the first request stamps the session

    with django_assert_num_queries(WORKLIST_QUERIES):
        assert len(rows_of(page(client))) == 3
    for n in range(3, 60):
        household(world, f"{n + 1}-1", care_elderly_only=bool(n % 2))
    with django_assert_num_queries(WORKLIST_QUERIES):
        assert len(rows_of(page(client))) == 50
