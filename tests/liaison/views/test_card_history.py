"""The full history of a card: every change of the card and its members, who, when, why,
old → new, 25 entries a page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from liaison.cards import services
from tests.liaison.views import page

pytestmark = pytest.mark.django_db


def url(card):
    return reverse("liaison:card_history", kwargs={"pk": card.pk})


def test_the_history_pages_by_25_newest_first(world, login, household):
    card = household
    for index in range(30):
        card = services.card_update(
            actor=world.beat_officer,
            card=card,
            version=card.version,
            data={"room": str(index)},
            reason=f"部屋番号の訂正{index:02d}",
        )
    client = login(world.supervisor)
    first = page(client.get(url(card)))
    # 30 corrections, the card's creation and its three members'.
    assert "34件" in first and "1 / 2ページ" in first
    assert "部屋番号の訂正29" in first and "部屋番号の訂正05" in first
    assert "部屋番号の訂正04" not in first
    second = page(client.get(url(card), {"page": 2}))
    assert "部屋番号の訂正04" in second and "作成・編てつ" in second
    assert "<del>28</del> → <ins>29</ins>" in first


def test_reading_the_history_is_an_access_event(world, login, household):
    login(world.beat_officer).get(url(household))
    assert AccessEvent.objects.filter(
        user=world.beat_officer,
        action=AccessEvent.Action.VIEW,
        object_id=str(household.pk),
        summary="カードの変更履歴の閲覧",
    ).exists()


def test_the_history_of_a_card_out_of_scope_is_not_found(world, login, household):
    assert login(world.other_officer).get(url(household)).status_code == 404
    assert login(world.staff).get(url(household)).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, world, household):
    assert client.get(url(household)).status_code == 302
