"""The list of 巡回連絡簿: each persona sees the books of his scope, under station and post,
with counts; users without books get an explanation, not an error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import AccessEvent
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db

URL = reverse("liaison:book_list")


def listed(response) -> set[str]:
    return {
        f"{book.beat.post.name} {book.beat.name}"
        for group in response.context["groups"]
        for post in group.posts
        for book in post.books
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("beat_officer", {"駅前交番 第1受持区"}),
        ("supervisor", {"駅前交番 第1受持区", "駅前交番 第2受持区"}),
        ("chief", {"駅前交番 第1受持区", "駅前交番 第2受持区", "山田駐在所 山田受持区"}),
        (
            "station_manager",
            {"駅前交番 第1受持区", "駅前交番 第2受持区", "山田駐在所 山田受持区"},
        ),
        (
            "overall_manager",
            {
                "駅前交番 第1受持区",
                "駅前交番 第2受持区",
                "山田駐在所 山田受持区",
                "北口交番 北口第1受持区",
            },
        ),
        ("other_officer", {"北口交番 北口第1受持区"}),
    ],
)
def test_each_persona_sees_the_books_of_his_scope(world, login, persona, expected):
    response = login(world.people[persona]).get(URL)
    assert response.status_code == 200
    assert listed(response) == expected
    html = response.content.decode()
    for book in response.context["page"].object_list:
        assert reverse("liaison:book_detail", kwargs={"pk": book.pk}) in html


def test_books_are_grouped_by_station_and_post_with_counts(world, login):
    make_household(world.beat_officer, world.beat_a1_1)
    make_household(world.beat_officer, world.beat_a1_1, banchi="5")
    make_household(world.supervisor, world.beat_a1_2)
    make_household(world.other_officer, world.beat_b1_1)
    response = login(world.overall_manager).get(URL)
    groups = response.context["groups"]
    assert [g.station.name for g in groups] == ["中央警察署", "北警察署"]
    posts = {p.post.name: p for p in groups[0].posts}
    assert set(posts) == {"駅前交番", "山田駐在所"}
    assert posts["駅前交番"].card_total == 3
    assert [b.card_total for b in posts["駅前交番"].books] == [2, 1]
    html = response.content.decode()
    assert "駅前交番" in html and "2区・3件" in html


def test_export_links_appear_only_for_those_who_may_export(world, login):
    book_csv = reverse("liaison:book_export", kwargs={"pk": world.beat_a1_1.pk, "fmt": "csv"})
    station_csv = reverse("liaison:station_export", kwargs={"pk": world.station_a.pk, "fmt": "csv"})
    chief_page = login(world.chief).get(URL).content.decode()
    assert book_csv in chief_page and station_csv in chief_page
    for persona in ("beat_officer", "overall_manager"):
        page = login(world.people[persona]).get(URL).content.decode()
        assert book_csv not in page and station_csv not in page


def test_the_list_can_be_narrowed_by_name(world, login):
    client = login(world.chief)
    assert listed(client.get(URL, {"q": "駐在所"})) == {"山田駐在所 山田受持区"}
    assert listed(client.get(URL, {"q": "第2"})) == {"駅前交番 第2受持区"}
    assert listed(client.get(URL, {"q": "中央 駅前"})) == {
        "駅前交番 第1受持区",
        "駅前交番 第2受持区",
    }
    nothing = client.get(URL, {"q": "北口"})
    assert listed(nothing) == set()
    assert "に一致する巡回連絡簿はありません" in nothing.content.decode()


@pytest.mark.parametrize("persona", ["staff", "auditor", "no_role", "alert_sender"])
def test_users_without_books_get_an_explanation(world, login, persona):
    response = login(world.people[persona]).get(URL)
    assert response.status_code == 200
    assert listed(response) == set()
    assert "閲覧できる巡回連絡簿はありません" in response.content.decode()


def test_the_list_is_logged_with_its_count(world, login):
    login(world.supervisor).get(URL)
    (event,) = AccessEvent.objects.filter(action=AccessEvent.Action.LIST)
    assert event.user == world.supervisor
    assert event.object_type == "liaison.liaisonbook"
    assert "2冊" in event.summary


def test_the_list_is_paginated(world, login, monkeypatch):
    from liaison.books import views as books

    monkeypatch.setattr(books, "BOOK_LIST_PAGE_SIZE", 2)
    client = login(world.overall_manager)
    first = client.get(URL)
    assert len(listed(first)) == 2
    assert "1 / 2ページ" in first.content.decode()
    assert len(listed(client.get(URL, {"page": 2}))) == 2


def test_post_is_not_allowed_and_anonymous_signs_in(client, world, login):
    anonymous = client.get(URL)
    assert anonymous.status_code == 302
    assert reverse("accounts:login") in anonymous["Location"]
    assert login(world.chief).post(URL).status_code == 405


def test_the_query_count_does_not_grow_with_books_or_cards(world, login, django_assert_num_queries):
    chief = login(world.chief)
    chief.get(URL)
    with django_assert_num_queries(QUERIES):
        chief.get(URL)
    for i in range(3):
        beat = services.beat_create(actor=None, post=world.post_a2, name=f"新設第{i}受持区")
        make_household(world.chief, beat)
    for i in range(5):
        make_household(world.beat_officer, world.beat_a1_1, banchi=str(i + 1))
    chief.get(URL)  # new beats changed the role groups' grants: read again once
    with django_assert_num_queries(QUERIES):
        response = chief.get(URL)
    assert len(listed(response)) == 6


# session, user, OTP device; count and page of books; the books he may export; the access
# event. The acting roles and the menu come from the grants cache; the session is not written.
QUERIES = 7
