"""対象別の記録: a card's own events and the exports of its book and station (which carried
it), newest first, by its label only; unknown kinds and ids are not found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from tests.accounts.audit.test_event_search import CARD, SUZUKI, T0, event, next_link, shown
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db

BOOK = "liaison.liaisonbook"
STATION = "accounts.station"


def url(object_type: str, object_id) -> str:
    return reverse(
        "accounts:audit_object", kwargs={"object_type": object_type, "object_id": object_id}
    )


@pytest.fixture
def card(world):
    return make_household(world.beat_officer, world.beat_a1_1)


def test_the_cards_events_and_its_containers_exports(world, login, card):
    other = make_household(world.beat_officer, world.beat_a1_1, members=[SUZUKI])
    at = lambda minutes: T0 + dt.timedelta(minutes=minutes)  # noqa: E731
    viewed = event(world.supervisor, at=at(0), card=card)
    printed = event(world.chief, at=at(1), card=card, action="print")
    book_export = event(
        world.supervisor,
        at=at(2),
        action="export",
        object_type=BOOK,
        object_id=card.book_id,
        station=world.station_a,
        record_count=2,
    )
    station_export = event(
        world.station_manager,
        at=at(3),
        action="export",
        object_type=STATION,
        object_id=world.station_a.pk,
        station=world.station_a,
        record_count=120,
    )
    # Not this card: another card, a list of the book, another beat's book export.
    other_card = event(world.supervisor, at=at(4), card=other)
    book_list = event(
        world.supervisor, at=at(5), action="list", object_type=BOOK, object_id=card.book_id
    )
    other_book = event(
        world.supervisor,
        at=at(6),
        action="export",
        object_type=BOOK,
        object_id=world.beat_a1_2.pk,
    )
    other_station = event(
        world.other_officer,
        at=at(7),
        action="export",
        object_type=STATION,
        object_id=world.station_b.pk,
    )
    response = login(world.auditor).get(url(CARD, card.pk), {"start": "2026-03-10"})
    assert response.status_code == 200
    assert shown(response) == [
        station_export.summary,
        book_export.summary,
        printed.summary,
        viewed.summary,
    ]
    for absent in (other_card, book_list, other_book, other_station):
        assert absent.summary not in shown(response)
    text = response.content.decode()
    assert f"カード No.{card.pk}（中央警察署 駅前交番 第1受持区）の閲覧記録" in text
    assert "巡回連絡簿ごとの出力" in text and "警察署ごとの出力" in text
    assert "この対象を含む巡回連絡簿・警察署ごとの出力も表示します" in text
    for personal in ("山田", "笠原町", "029-123-4567"):
        assert personal not in text


def test_every_own_event_counts_not_only_reads(world, login, card):
    # Its creation and corrections are in the card's history too (the auditor sees that it
    # was changed, not how).
    response = login(world.auditor).get(url(CARD, card.pk))
    rows = response.context["page"].rows
    assert [r.event.action for r in rows] == [AccessEvent.Action.CREATE]
    assert [r.via for r in rows] == [""]


def test_pages_continue_by_keyset(world, login, card):
    made = [event(world.chief, at=T0 + dt.timedelta(seconds=i // 4), card=card) for i in range(60)]
    expected = [e.summary for e in sorted(made, key=lambda e: (e.occurred_at, e.pk), reverse=True)]
    client = login(world.auditor)
    response = client.get(url(CARD, card.pk), {"end": "2026-03-10"})
    seen = shown(response)
    response = client.get(url(CARD, card.pk) + next_link(response))
    seen += shown(response)
    assert seen == expected


def test_the_view_is_recorded_as_an_audit_search_not_a_card_read(world, login, card):
    login(world.auditor).get(url(CARD, card.pk))
    logged = AccessEvent.objects.get(user=world.auditor, action=AccessEvent.Action.SEARCH)
    assert logged.object_type == "accounts.accessevent"
    assert logged.summary == (
        f"閲覧記録の検索（対象別 カード No.{card.pk}（中央警察署 駅前交番 第1受持区）） 1件表示"
    )
    # The auditor did not read the card: nothing of his is in the card's own history.
    assert not AccessEvent.objects.filter(user=world.auditor, object_type=CARD).exists()


def test_a_book_has_its_own_history(world, login, card):
    export = event(
        world.supervisor, at=T0, action="export", object_type=BOOK, object_id=card.book_id
    )
    response = login(world.auditor).get(url(BOOK, card.book_id))
    assert response.status_code == 200
    assert export.summary in shown(response)
    assert "巡回連絡簿（中央警察署 駅前交番 第1受持区）の閲覧記録" in response.content.decode()


@pytest.mark.parametrize(
    ("object_type", "object_id"),
    [
        ("accounts.user", "1"),  # not a registered kind
        ("nothing.here", "1"),
        (CARD, "999999"),  # no such card
        (CARD, "abc"),
        (CARD, "9" * 30),
    ],
)
def test_unknown_kinds_and_objects_are_not_found(world, login, object_type, object_id):
    assert login(world.auditor).get(url(object_type, object_id)).status_code == 404


@pytest.mark.parametrize("persona", ["chief", "station_manager", "overall_manager", "supervisor"])
def test_only_hq_auditors_may_read_an_objects_history(world, login, card, persona):
    assert login(getattr(world, persona)).get(url(CARD, card.pk)).status_code == 403


def test_the_search_links_each_card_to_its_history(world, login, card):
    event(world.supervisor, at=T0, card=card)
    text = (
        login(world.auditor)
        .get(reverse("accounts:audit_event_list"), {"card": card.pk})
        .content.decode()
    )
    assert f'href="{url(CARD, card.pk)}"' in text
