"""Drill-down: the overdue cards of one book, for its reviewers and its writers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.models import AccessEvent
from tests.factories import UserFactory
from tests.liaison.conftest import make_household

from .conftest import MADE_AT
from .helpers import text

pytestmark = pytest.mark.django_db


def url(beat) -> str:
    return reverse("liaison:overdue_cards", kwargs={"pk": beat.pk})


def listed(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<th scope="row"><a href="/liaison/cards/(\d+)/"', html)]


def test_it_lists_exactly_the_overdue_cards_never_visited_first(world, login, figures):
    response = login(world.chief).get(url(world.beat_a1_1))
    assert response.status_code == 200
    html = response.content.decode()
    # never visited (and the absent one: a 不在 is no visit), then the oldest last visit.
    never_first = sorted([figures.never.pk, figures.absent.pk])
    assert sorted(listed(html)[:2]) == never_first
    assert listed(html)[2:] == [figures.care_old.pk]
    assert "<strong>3件</strong>" in html
    page = text(html)
    assert "2026年7月1日" in page  # care_old's last visit
    assert "2026年9月29日（52日超過・周期90日）" in page  # its due date
    assert "一人暮らしの高齢者" in page
    assert "笠原町1-2" in page


def test_it_records_the_listing_with_the_count_only(world, login, figures):
    client = login(world.chief)
    client.get(url(world.beat_a1_1))
    event = AccessEvent.objects.filter(action=AccessEvent.Action.LIST).latest("pk")
    assert event.user == world.chief
    assert event.station == world.station_a
    assert event.object_type == "liaison.liaisoncard"
    assert "3件" in event.summary
    assert "太郎" not in event.summary


@pytest.mark.parametrize(
    "persona", ["chief", "station_manager", "overall_manager", "beat_officer", "supervisor"]
)
def test_reviewers_and_writers_of_the_book_see_it(world, login, figures, persona):
    response = login(getattr(world, persona)).get(url(world.beat_a1_1))
    assert response.status_code == 200
    assert len(listed(response.content.decode())) == 3


@pytest.mark.parametrize("persona", ["staff", "auditor", "other_officer", "no_role"])
def test_those_who_do_not_see_the_book_get_404(world, login, figures, persona):
    assert login(getattr(world, persona)).get(url(world.beat_a1_1)).status_code == 404


def test_the_beat_officer_of_another_beat_gets_404(world, login, figures):
    assert login(world.beat_officer).get(url(world.beat_a1_2)).status_code == 404


def test_the_chief_gets_404_on_a_book_of_another_station(world, login, figures):
    assert login(world.chief).get(url(world.beat_b1_1)).status_code == 404


def test_someone_who_only_reads_the_book_gets_403(world, login, figures):
    reader = UserFactory()
    assign_perm("accounts.view_beat_cards", reader, world.beat_a1_1)
    assert login(reader).get(url(world.beat_a1_1)).status_code == 403


def test_a_writer_is_sent_back_to_the_book_a_reviewer_to_the_station(world, login, figures):
    html = login(world.beat_officer).get(url(world.beat_a1_1)).content.decode()
    assert reverse("liaison:book_detail", kwargs={"pk": world.beat_a1_1.pk}) in html
    html = login(world.chief).get(url(world.beat_a1_1)).content.decode()
    assert reverse("liaison:station_progress", kwargs={"pk": world.station_a.pk}) in html


def test_nothing_overdue_is_said(world, login, figures):
    html = login(world.chief).get(url(world.beat_a2_1)).content.decode()
    assert "期限を過ぎたカードはありません" in html


def test_fifty_a_page(world, login, figures):
    for n in range(50):
        make_household(world.beat_officer, world.beat_a1_1, banchi=f"3-{n}", made_at=MADE_AT)
    client = login(world.chief)
    first = client.get(url(world.beat_a1_1)).content.decode()
    assert len(listed(first)) == 50
    assert "<strong>53件</strong>" in first
    second = client.get(url(world.beat_a1_1) + "?page=2").content.decode()
    assert listed(second)[-1] == figures.care_old.pk
    assert len(listed(second)) == 3
