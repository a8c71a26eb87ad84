"""不在 with one tap, from the card or the worklist: the card keeps its due date (only the
attempt is recorded), and a refusal comes back as a message on the page he came from."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from liaison.cards.models import LiaisonCard
from liaison.visits.models import Visit, VisitOutcome
from tests.liaison.views import page

from .conftest import DAY, approve_night, at

pytestmark = pytest.mark.django_db

WORKLIST = "/liaison/worklist/"


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(at(10, 5), tick=False):
        yield


def url(card) -> str:
    return reverse("liaison:visit_absent", kwargs={"pk": card.pk})


def test_one_tap_records_an_attempt_not_a_visit(world, login, household):
    client = login(world.beat_officer)
    response = client.post(url(household))
    assert response.status_code == 302
    card_url = reverse("liaison:card_detail", kwargs={"pk": household.pk})
    assert response["Location"] == card_url
    visit = Visit.objects.get()
    assert visit.outcome == VisitOutcome.ABSENT and visit.started_at == at(10, 5)
    household.refresh_from_db()
    assert household.last_attempt_on == DAY
    assert household.last_visit_on is None  # still due
    assert "を不在として記録しました（10:05）。" in page(client.get(card_url))


def test_the_card_page_offers_the_one_tap_button_to_its_officer(world, login, household):
    html = page(login(world.beat_officer).get(reverse("liaison:card_detail", args=[household.pk])))
    assert f'action="{url(household)}"' in html and "不在（ワンタップ）" in html


def test_from_the_worklist_he_goes_back_to_it(world, login, household):
    response = login(world.beat_officer).post(url(household), {"next": WORKLIST})
    assert response["Location"] == WORKLIST


def test_after_1700_without_approval_the_reason_is_shown_where_he_was(world, login, household):
    client = login(world.beat_officer)
    card_url = reverse("liaison:card_detail", kwargs={"pk": household.pk})
    with time_machine.travel(at(18, 0), tick=False):
        response = client.post(url(household), {"next": WORKLIST})
        assert response.status_code == 302 and response["Location"] == WORKLIST
        response = client.post(url(household), {"next": card_url}, follow=True)
    assert response.redirect_chain == [(card_url, 302)]
    # One tap has no place for the reason an outside-hours visit needs: the form has.
    assert (
        "エラー：</span>いまは巡回連絡の時間帯の外です。不在を記録するには「記録」を開き、"
        "結果に「不在」を選んで時間外に行った理由を入力してください。"
    ) in page(response)
    assert not Visit.objects.exists()
    assert LiaisonCard.objects.get(pk=household.pk).last_attempt_on is None


def test_after_1700_with_approval_it_is_kept(world, login, household):
    approve_night(world)
    with time_machine.travel(at(18, 0), tick=False):
        login(world.beat_officer).post(url(household))
    assert Visit.objects.get().night_request is not None


def test_it_is_a_post_only(world, login, household):
    assert login(world.beat_officer).get(url(household)).status_code == 405


def test_a_supervisor_is_refused_and_another_station_is_not_found(
    world, login, household, other_station_card
):
    assert login(world.supervisor).post(url(household)).status_code == 403
    assert login(world.beat_officer).post(url(other_station_card)).status_code == 404
    assert not Visit.objects.exists()
