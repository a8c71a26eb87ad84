"""Variant kanji in every card search (issue 10, point 3): a card for 𠮷田 太郎 or 髙橋 德子 is
found by 吉田 or 高橋 徳子 as an officer types them, and the other way round, in the card
search, the book's search, break-the-glass and the auditor's household search; the card
keeps, shows and prints the exact form."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import AccessEvent
from liaison.cards.models import LiaisonCard
from tests.liaison.conftest import make_household, pdf_text

pytestmark = pytest.mark.django_db

YOSHIDA = {"name": "𠮷田 太郎", "kana": "ヨシダ タロウ", "relationship": "head"}
TAKAHASHI = {"name": "髙橋 德子", "kana": "タカハシ トクコ", "relationship": "head"}
YOSHIDA_COMMON = {"name": "吉田 次郎", "kana": "ヨシダ ジロウ", "relationship": "head"}
TAKAHASHI_COMMON = {"name": "高橋 徳子", "kana": "タカハシ トクコ", "relationship": "head"}

# (what an officer types, the head names it must find)
SEARCHES = [
    ("吉田", {"𠮷田 太郎", "吉田 次郎"}),
    ("𠮷田", {"𠮷田 太郎", "吉田 次郎"}),
    ("吉田 太郎", {"𠮷田 太郎"}),
    ("高橋 徳子", {"髙橋 德子", "高橋 徳子"}),
    ("髙橋 德子", {"髙橋 德子", "高橋 徳子"}),
    ("髙橋", {"髙橋 德子", "高橋 徳子"}),
    ("德子", {"髙橋 德子", "高橋 徳子"}),
]


@pytest.fixture
def cards(world):
    """Four households of beat A1-1: the exact variant forms and the common forms."""
    return {
        member["name"]: make_household(world.beat_officer, world.beat_a1_1, members=[member])
        for member in (YOSHIDA, TAKAHASHI, YOSHIDA_COMMON, TAKAHASHI_COMMON)
    }


def heads(cards_found) -> set[str]:
    return {card.head_name for card in cards_found}


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_card_search(world, login, cards, query, expected):
    response = login(world.beat_officer).get(reverse("liaison:card_search"), {"q": query})
    assert {row["head_name"] for row in response.context["rows"]} == expected
    assert f"検索結果：{len(expected)}件" in response.content.decode()


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_the_books_search(world, login, cards, query, expected):
    url = reverse("liaison:book_detail", args=[world.beat_a1_1.pk])
    for order in ("address", "kana"):  # either 索引
        response = login(world.beat_officer).get(url, {"q": query, "order": order})
        assert {row["head_name"] for row in response.context["rows"]} == expected


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_break_the_glass(world, login, cards, query, expected):
    # The chief's staff member breaks the glass for cards of his station.
    response = login(world.staff).post(
        reverse("liaison:break_glass"),
        {
            "purpose": "missing_person",
            "reason": "迷子の高齢者を保護、住所の確認のため",
            "query": query,
        },
    )
    assert heads(row["card"] for row in response.context["rows"]) == expected


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_the_auditors_household_search(world, login, cards, query, expected):
    response = login(world.auditor).get(reverse("accounts:audit_event_list"), {"household": query})
    matched = {int(card_id) for card_id, _ in response.context["resolution"].matched_cards}
    assert heads(LiaisonCard.objects.filter(pk__in=matched)) == expected


def test_the_card_keeps_shows_and_prints_the_exact_form(world, login, cards):
    card = cards["𠮷田 太郎"]
    member = card.members.get()
    assert (card.head_name, member.name) == ("𠮷田 太郎", "𠮷田 太郎")
    assert "吉田" in card.search_names  # only the search column holds the folded form
    client = login(world.beat_officer)
    page = client.get(reverse("liaison:card_detail", args=[card.pk])).content.decode()
    assert "𠮷田 太郎" in page
    assert "吉田 太郎" not in page
    printed = pdf_text(client.get(reverse("liaison:card_print", args=[card.pk])).content)
    assert "𠮷田太郎" in printed
    assert "吉田太郎" not in printed
    takahashi = cards["髙橋 德子"]
    page = client.get(reverse("liaison:card_detail", args=[takahashi.pk])).content.decode()
    assert "髙橋 德子" in page


def test_the_search_log_holds_the_count_never_the_name(world, login, cards):
    login(world.beat_officer).get(reverse("liaison:card_search"), {"q": "髙橋"})
    event = AccessEvent.objects.filter(action=AccessEvent.Action.SEARCH).latest("occurred_at")
    assert "2件" in event.summary
    assert "橋" not in event.summary


def test_the_migration_refolds_cards_saved_before(world, login, cards):
    """Cards saved under the old fold (髙 kept as it was) are found after the migration."""
    card = cards["髙橋 德子"]
    # What the old normaliser stored: NFKC and katakana only. search_names is outside the
    # card's history, so update() leaves nothing out.
    LiaisonCard.objects.filter(pk=card.pk).update(search_names="髙橋德子|タカハシトクコ")
    client = login(world.beat_officer)
    search = reverse("liaison:card_search")
    assert "髙橋 德子" not in heads_of(client.get(search, {"q": "高橋 徳子"}))

    before = card.history.count()
    migration = importlib.import_module("liaison.migrations.0007_search_names_fold_variants")
    migration.refold(apps, None)

    card.refresh_from_db()
    assert card.search_names == "高橋徳子|タカハシトクコ"
    assert card.history.count() == before  # bookkeeping, no history rows
    assert "髙橋 德子" in heads_of(client.get(search, {"q": "高橋 徳子"}))
    assert card.head_name == "髙橋 德子"


def heads_of(response) -> set[str]:
    return {row["head_name"] for row in response.context["rows"]}
