"""A takeover page lists a beat's residents: it answers only from a grant that is current,
and a card that moved to another beat takes its visits and follow-ups with it (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import AccessEvent, Role
from liaison.filing import services as liaison_services
from liaison.visits import selectors
from liaison.visits.models import Visit
from tests.liaison.conftest import book_of

from .conftest import DAY, household, new_officer_on_a1_1, person, visit

pytestmark = pytest.mark.django_db

FOLLOW_UP = "移転先でも防犯灯の要望を聞くこと"


def url(assignment) -> str:
    return reverse("liaison:takeover", kwargs={"pk": assignment.pk})


def test_an_ended_assignment_opens_nothing_for_its_officer(world, login):
    heard = household(world, "2-2")
    visit(world.beat_officer, heard, days_ago=3, concerns="夜間、公園の街灯が暗い")
    ended = world.beat_officer.beat_assignments.get(beat=world.beat_a1_1)
    client = login(world.beat_officer)
    assert client.get(url(ended)).status_code == 200

    accounts_services.beat_assignment_end(actor=None, assignment=ended, ends_on=DAY)

    response = client.get(url(ended))
    assert response.status_code == 404
    assert "笠原町2-2" not in response.content.decode()
    assert "街灯" not in response.content.decode()
    # The refusal is in the log as an out-of-scope read of that assignment.
    event = AccessEvent.objects.filter(user=world.beat_officer).latest("pk")
    assert (event.out_of_scope, event.object_type, event.object_id) == (
        True,
        "accounts.beatassignment",
        str(ended.pk),
    )


def test_an_ended_assignment_opens_nothing_for_his_supervisor_either(world, login):
    _, current = new_officer_on_a1_1(world)
    ended = world.beat_officer.beat_assignments.get(beat=world.beat_a1_1)
    supervisor = login(world.supervisor)
    assert supervisor.get(url(current)).status_code == 200
    assert supervisor.get(url(ended)).status_code == 404


def test_an_officer_whose_appointment_ended_loses_his_takeover_page(world, login):
    newcomer, assignment = new_officer_on_a1_1(world)
    client = login(newcomer)
    assert client.get(url(assignment)).status_code == 200
    appointment = newcomer.appointments.get(role=Role.BEAT_OFFICER)
    accounts_services.appointment_end(actor=None, appointment=appointment, ends_on=DAY)
    # Ending it signed him out; he signs in again (he may hold another role elsewhere).
    assert client.get(url(assignment)).status_code == 302
    newcomer.refresh_from_db()
    assert login(newcomer).get(url(assignment)).status_code == 404


@pytest.fixture
def moved(world):
    """A card of beat A1-1 with an open follow-up and a concern, moved to beat A1-2, whose
    officer (a new one) holds it now."""
    card = household(world, "7-7-7")
    visit(
        world.beat_officer,
        card,
        days_ago=5,
        concerns="裏の空き家に人が出入りしている",
        follow_up_department="safety",
        follow_up_note=FOLLOW_UP,
    )
    a1_2_officer = person(world, "第二 職員", Role.BEAT_OFFICER, world.post_a1)
    accounts_services.beat_assignment_start(
        actor=None, officer=a1_2_officer, beat=world.beat_a1_2, starts_on=DAY
    )
    liaison_services.card_move(
        actor=world.chief,
        card=card,
        book=book_of(world.beat_a1_2),
        reason="受持区の境界の変更",
    )
    return card, a1_2_officer


def test_a_moved_cards_visits_follow_it_to_its_new_book(world, moved):
    card, _ = moved
    (record,) = Visit.objects.filter(card=card)
    assert (record.book_id, record.station_id) == (world.beat_a1_2.pk, world.station_a.pk)
    # The move is in the visit's history, with the reason.
    assert record.history.first().history_change_reason == "受持区の変更：受持区の境界の変更"


def test_the_old_beats_takeover_no_longer_shows_a_moved_card(world, login, moved):
    newcomer, assignment = new_officer_on_a1_1(world)
    html = login(newcomer).get(url(assignment)).content.decode()
    assert "笠原町7-7-7" not in html
    assert FOLLOW_UP not in html
    assert "空き家" not in html


def test_the_new_beats_takeover_shows_its_follow_up(world, login, moved):
    _, a1_2_officer = moved
    assignment = a1_2_officer.beat_assignments.get(beat=world.beat_a1_2)
    html = login(a1_2_officer).get(url(assignment)).content.decode()
    assert FOLLOW_UP in html
    assert "笠原町7-7-7" in html


def test_open_follow_ups_follow_the_card(world, moved):
    card, a1_2_officer = moved
    assert not selectors.follow_up_open_list(user=world.beat_officer).filter(card=card).exists()
    assert selectors.follow_up_open_list(user=a1_2_officer).filter(card=card).exists()


def test_the_old_beats_officer_cannot_open_the_moved_visit(world, login, moved):
    card, a1_2_officer = moved
    record = Visit.objects.get(card=card)
    visit_url = reverse("liaison:visit_detail", kwargs={"pk": record.pk})
    assert login(world.beat_officer).get(visit_url).status_code == 404
    assert login(a1_2_officer).get(visit_url).status_code == 200


def test_the_takeover_list_has_no_ended_assignment(world, login):
    ended = world.beat_officer.beat_assignments.get(beat=world.beat_a1_1)
    accounts_services.beat_assignment_end(
        actor=None, assignment=ended, ends_on=DAY - dt.timedelta(days=1)
    )
    html = login(world.supervisor).get(reverse("liaison:takeover_list")).content.decode()
    assert url(ended) not in html
