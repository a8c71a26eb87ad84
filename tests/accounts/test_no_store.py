"""Pages with personal data are not kept by the browser (issue 16): a shared tablet's next
user finds nothing in its cache, the back button included."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(world):
    return make_household(world.beat_officer, world.beat_a1_1)


def test_every_page_an_officer_reads_is_no_store(world, login, card):
    client = login(world.beat_officer)
    pages = [
        reverse("accounts:home"),
        reverse("liaison:book_list"),
        reverse("liaison:book_detail", kwargs={"pk": world.beat_a1_1.pk}),
        reverse("liaison:card_detail", kwargs={"pk": card.pk}),
        reverse("liaison:card_history", kwargs={"pk": card.pk}),
        reverse("liaison:card_search") + "?q=ヤマダ",
        reverse("liaison:worklist"),
        reverse("liaison:takeover_list"),
        reverse("liaison:break_glass"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        cache = response["Cache-Control"]
        assert "no-store" in cache, (url, cache)
        assert "private" in cache, (url, cache)


def test_audit_pages_are_no_store(world, login):
    client = login(world.auditor)
    for url in (reverse("accounts:audit_event_list"), reverse("accounts:audit_case_list")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_refusals_are_no_store_too(world, login, card):
    response = login(world.other_officer).get(
        reverse("liaison:card_detail", kwargs={"pk": card.pk})
    )
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]


def test_an_export_keeps_its_own_header(world, login, card):
    response = login(world.chief).get(
        reverse("liaison:book_export", kwargs={"pk": world.beat_a1_1.pk, "fmt": "csv"})
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
