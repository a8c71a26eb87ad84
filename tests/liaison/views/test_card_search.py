"""カード検索: across every book the user may view, by name in any script or by phone number
in any notation; too short a query lists nothing; counts, not words, in the log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from tests.liaison.conftest import make_business, make_household

pytestmark = pytest.mark.django_db

URL = reverse("liaison:card_search")


def head(name: str, kana: str, **extra) -> list[dict]:
    return [{"name": name, "kana": kana, "relationship": "head", **extra}]


@pytest.fixture
def cards(world):
    return {
        "a1_1": make_household(
            world.beat_officer, world.beat_a1_1, members=head("髙橋 健一", "タカハシ ケンイチ")
        ),
        "a1_2": make_household(
            world.supervisor,
            world.beat_a1_2,
            members=head("高橋 花", "タカハシ ハナ", phone="090-1234-5678"),
        ),
        "a2_1": make_household(
            world.chief, world.beat_a2_1, members=head("佐藤 一", "サトウ ハジメ")
        ),
        "b1_1": make_household(
            world.other_officer, world.beat_b1_1, members=head("高橋 北", "タカハシ キタ")
        ),
        "shop": make_business(world.beat_officer, world.beat_a1_1),
    }


def found(response) -> set[str]:
    return {row["head_name"] for row in response.context["rows"]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("beat_officer", {"髙橋 健一"}),
        ("supervisor", {"髙橋 健一", "高橋 花"}),
        ("chief", {"髙橋 健一", "高橋 花"}),
        ("overall_manager", {"髙橋 健一", "高橋 花", "高橋 北"}),
        ("other_officer", {"高橋 北"}),
    ],
)
def test_it_searches_every_book_the_user_may_view(world, login, cards, persona, expected):
    response = login(world.people[persona]).get(URL, {"q": "たかはし"})
    assert response.status_code == 200
    assert found(response) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ﾀｶﾊｼ ﾊﾅ", {"高橋 花"}),
        ("タカハシ", {"髙橋 健一", "高橋 花"}),
        # Variant kanji fold (issue 10): the card keeps 髙, an officer types 高.
        ("高橋", {"髙橋 健一", "高橋 花"}),
        ("髙橋", {"髙橋 健一", "高橋 花"}),
        ("髙橋 健一", {"髙橋 健一"}),
        ("０９０１２３４５６７８", {"高橋 花"}),
        ("090 1234 5678", {"高橋 花"}),
        ("(090)1234-5678", {"高橋 花"}),
        ("かさはら", {"笠原商店"}),
        ("鈴木", set()),
    ],
)
def test_names_and_phone_numbers_in_any_notation(world, login, cards, query, expected):
    response = login(world.supervisor).get(URL, {"q": query})
    assert found(response) == expected


def test_results_link_to_the_card_and_name_its_book(world, login, cards):
    response = login(world.supervisor).get(URL, {"q": "ハナ"})
    html = response.content.decode()
    assert reverse("liaison:card_detail", kwargs={"pk": cards["a1_2"].pk}) in html
    assert "駅前交番 第2受持区" in html
    assert "検索結果：1件" in html


@pytest.mark.parametrize("query", ["", "た", " 高 ", "ｱ"])
def test_an_empty_or_one_character_query_lists_nothing(world, login, cards, query):
    response = login(world.supervisor).get(URL, {"q": query} if query else {})
    assert response.status_code == 200
    assert response.context["rows"] == []
    html = response.content.decode()
    assert "2文字以上で入力してください" in html
    if query:
        assert 'aria-invalid="true"' in html
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.SEARCH).exists()


@pytest.mark.parametrize("persona", ["staff", "auditor", "no_role", "alert_author"])
def test_users_without_books_get_an_explanation(world, login, cards, persona):
    response = login(world.people[persona]).get(URL, {"q": "タカハシ"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "検索できる巡回連絡簿はありません" in response.content.decode()
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.SEARCH).exists()


def test_a_search_is_logged_with_its_count_and_not_its_words(world, login, cards):
    login(world.chief).get(URL, {"q": "タカハシ"})
    (event,) = AccessEvent.objects.filter(action=AccessEvent.Action.SEARCH)
    assert event.user == world.chief
    assert event.object_type == "liaison.liaisoncard"
    assert event.summary.startswith("氏名・電話番号で検索 2件")
    assert "タカハシ" not in event.summary


def test_results_are_paginated_keeping_the_query(world, login, monkeypatch):
    from liaison.books import views as books

    monkeypatch.setattr(books, "SEARCH_PAGE_SIZE", 2)
    for i in range(5):
        make_household(
            world.beat_officer, world.beat_a1_1, banchi=str(i + 1), members=head(f"森 {i}", "モリ")
        )
    client = login(world.beat_officer)
    first = client.get(URL, {"q": "モリ"})
    assert len(first.context["rows"]) == 2
    assert "?q=%E3%83%A2%E3%83%AA&amp;page=2" in first.content.decode()
    last = client.get(URL, {"q": "モリ", "page": 3})
    assert len(last.context["rows"]) == 1


def test_post_is_not_allowed_and_anonymous_signs_in(client, world, login):
    anonymous = client.get(URL, {"q": "タカハシ"})
    assert anonymous.status_code == 302
    assert reverse("accounts:login") in anonymous["Location"]
    assert login(world.beat_officer).post(URL).status_code == 405


def test_the_query_count_does_not_grow_with_the_results(
    world, login, cards, django_assert_num_queries
):
    for i in range(30):
        make_household(
            world.beat_officer, world.beat_a1_1, banchi=str(i + 1), members=head(f"森 {i}", "モリ")
        )
    client = login(world.beat_officer)
    client.get(URL, {"q": "モリ"})
    with django_assert_num_queries(QUERIES):
        one = client.get(URL, {"q": "ケンイチ"})
    with django_assert_num_queries(QUERIES):
        many = client.get(URL, {"q": "モリ"})
    assert len(one.context["rows"]) == 1 and len(many.context["rows"]) == 30


# session, user, OTP device; count and rows of the results; the access event. Whether the
# user has books, the acting roles and the menu come from the grants cache; the session is
# not written.
QUERIES = 6
