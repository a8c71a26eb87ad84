"""カードの手交 (要領 第6-2(1)ア) as the beat officer meets it: a blank card left with a
resident is recorded with the date to collect it by; it is not a visit with a card; it
waits in its own section of the worklist until he collects it (and files or corrects the
card) or gives it up with a reason."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.exceptions import PermissionDenied, TransitionError
from liaison.cards.models import CardStatus, LiaisonCard
from liaison.handouts import services as handouts
from liaison.handouts.models import CardHandout
from liaison.planning import worklist
from liaison.visits import services
from liaison.visits.models import Visit, VisitOutcome
from tests.html import text
from tests.liaison.conftest import book_of
from tests.liaison.views import household_post

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
DAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def afternoon():
    with time_machine.travel(dt.datetime(2026, 11, 30, 15, 0, tzinfo=TOKYO), tick=False):
        yield


def hand_new(world, **extra) -> CardHandout:
    values = {"town": "笠原町", "banchi": "8-1-2", "resident_name": "新居 一郎", "handed_on": DAY}
    values.update(extra)
    return handouts.handout_record(
        actor=world.beat_officer, book=book_of(world.beat_a1_1), **values
    )


def worklist_html(client) -> str:
    response = client.get(reverse("liaison:worklist"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_handout_is_not_a_visit_and_waits_on_the_worklist(world, login, household):
    handout = handouts.handout_record(
        actor=world.beat_officer, book=book_of(world.beat_a1_1), card=household, handed_on=DAY
    )
    household.refresh_from_db()
    assert Visit.objects.count() == 0
    assert household.last_visit_on is None  # still due: not a visit with a card
    assert handout.collect_by == DAY + dt.timedelta(days=14)  # the setting's default
    html = worklist_html(login(world.beat_officer))
    section = html[html.index("手交中のカード（回収待ち）") :]
    assert "笠原町1-2-3" in section and "1件" in section
    assert "2026年12月14日" in section


def test_a_visit_whose_outcome_is_card_handed_leaves_the_card_due_and_opens_a_handout(
    world, household
):
    start = dt.datetime(2026, 11, 30, 10, 0, tzinfo=TOKYO)
    services.visit_record(
        actor=world.beat_officer,
        card=household,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=10),
        outcome=VisitOutcome.CARD_HANDED,
    )
    household.refresh_from_db()
    # An attempt (off today's round), but the card is not visited in its cycle until
    # the card comes back.
    assert household.last_visit_on is None
    assert household.last_attempt_on == DAY
    handout = CardHandout.objects.get(card=household)
    assert handout.status == CardHandout.Status.OPEN
    assert handout.collect_by == DAY + dt.timedelta(days=14)
    # Tomorrow the card is due again on the worklist, and the handout waits beside it.
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO), tick=False):
        items = worklist.worklist_get(user=world.beat_officer, today=dt.date(2026, 12, 1)).items
    assert [item.card.pk for item in items] == [household.pk]


def test_a_new_households_card_is_made_from_the_handout_which_leaves_the_worklist(world, login):
    handout = hand_new(world)
    client = login(world.beat_officer)
    assert "新居 一郎" in worklist_html(client)
    # 回収した → the card form of the beat, with the address already there.
    response = client.get(reverse("liaison:handout_collect", kwargs={"pk": handout.pk}))
    assert response.status_code == 302
    url = f"{response['Location']}&kind=household"
    form = client.get(url).content.decode()
    assert 'value="笠原町"' in form and 'value="8-1-2"' in form
    response = client.post(url, household_post(banchi="8-1-2"))
    assert response.status_code == 302, response.content.decode()[:3000]
    handout.refresh_from_db()
    assert handout.status == CardHandout.Status.COLLECTED
    assert handout.card.status == CardStatus.FILED and handout.card.book_id == world.beat_a1_1.pk
    assert handout.closed_by == world.beat_officer
    html = worklist_html(client)
    assert "新居 一郎" not in html.split("手交中のカード（回収待ち）")[1]


def test_a_filed_cards_handout_is_collected_and_the_officer_goes_on_to_correct_it(
    world, login, household
):
    handout = handouts.handout_record(
        actor=world.beat_officer, book=book_of(world.beat_a1_1), card=household, handed_on=DAY
    )
    client = login(world.beat_officer)
    url = reverse("liaison:handout_collect", kwargs={"pk": handout.pk})
    assert "回収済みにしてカードを補正する" in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == reverse("liaison:card_edit", kwargs={"pk": household.pk})
    handout.refresh_from_db()
    assert handout.status == CardHandout.Status.COLLECTED
    # Collected once: a second time is refused with the reason, nothing changes.
    with pytest.raises(TransitionError):
        handouts.handout_collect(actor=world.beat_officer, handout=handout)


def test_giving_up_needs_a_reason_and_is_in_the_history(world, login):
    handout = hand_new(world)
    client = login(world.beat_officer)
    url = reverse("liaison:handout_give_up", kwargs={"pk": handout.pk})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "回収を断念する理由を入力してください。" in response.content.decode()
    assert CardHandout.objects.get(pk=handout.pk).status == CardHandout.Status.OPEN
    response = client.post(url, {"reason": "転出したため"})
    assert response.status_code == 302
    handout.refresh_from_db()
    assert handout.status == CardHandout.Status.GIVEN_UP
    assert handout.give_up_reason == "転出したため"
    assert "新居 一郎" not in worklist_html(client).split("手交中のカード（回収待ち）")[1]
    reasons = [h.history_change_reason for h in handout.history.order_by("history_date")]
    assert reasons == ["カードの手交", "回収を断念：転出したため"]
    detail = client.get(reverse("liaison:handout_detail", kwargs={"pk": handout.pk}))
    assert "回収を断念：転出したため" in detail.content.decode()


def test_the_form_says_what_is_wrong_at_the_field_and_keeps_the_input(world, login):
    client = login(world.beat_officer)
    response = client.post(
        reverse("liaison:handout_create"),
        {
            "beat": world.beat_a1_1.pk,
            "town": "笠原町",
            "banchi": "",
            "resident_name": "入力 保持",
            "handed_on": "2026-12-01",
            "collect_by": "2026-11-20",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "番地を入力してください。" in html
    assert 'value="入力 保持"' in html
    assert CardHandout.objects.count() == 0
    with pytest.raises(ValidationError) as refused:
        hand_new(world, handed_on=DAY, collect_by=DAY - dt.timedelta(days=1))
    assert "回収予定日は手交日以降の日付にしてください。" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        hand_new(world, handed_on=DAY + dt.timedelta(days=1))
    assert "未来の日付" in str(refused.value)


def test_an_overdue_handout_says_so(world, login):
    hand_new(world, handed_on=DAY - dt.timedelta(days=20), collect_by=DAY - dt.timedelta(days=6))
    html = worklist_html(login(world.beat_officer))
    assert "うち回収予定日を過ぎたもの 1件" in html
    assert "6日超過" in html


def test_the_list_shows_the_handouts_waiting_unless_another_state_is_chosen(world, login):
    hand_new(world)
    given_up = hand_new(world, banchi="8-1-3", resident_name="転出 二郎")
    handouts.handout_give_up(actor=world.beat_officer, handout=given_up, reason="転出のため")
    client = login(world.beat_officer)
    url = reverse("liaison:handout_list")
    # A state not in the list (an old link) shows the default list, as no state does.
    for query in ("", "?state=", "?state=bogus"):
        shown = text(client.get(url + query))
        assert "回収待ち：1件" in shown and "新居 一郎" in shown and "転出 二郎" not in shown
    gone = text(client.get(url + "?state=given_up"))
    assert "回収を断念：1件" in gone and "転出 二郎" in gone and "新居 一郎" not in gone
    assert "すべて：2件" in text(client.get(url + "?state=all"))


def test_who_may_do_what(world, login, other_station_card):
    handout = hand_new(world)
    # Only the beat's officer records a handout.
    with pytest.raises(PermissionDenied):
        handouts.handout_record(
            actor=world.supervisor,
            book=book_of(world.beat_a1_1),
            town="笠原町",
            banchi="1",
            handed_on=DAY,
        )
    # The 署長 sees it, may not close it; another station's officer does not see it at all.
    assert (
        login(world.station_manager)
        .get(reverse("liaison:handout_give_up", kwargs={"pk": handout.pk}))
        .status_code
        == 403
    )
    assert (
        login(world.other_officer)
        .get(reverse("liaison:handout_detail", kwargs={"pk": handout.pk}))
        .status_code
        == 404
    )
    # The post's 取扱責任者 may give it up for his officer.
    handouts.handout_give_up(actor=world.supervisor, handout=handout, reason="記入を断られた")
    assert CardHandout.objects.get(pk=handout.pk).closed_by == world.supervisor


def test_a_card_already_waiting_is_not_handed_twice(world, household):
    handouts.handout_record(
        actor=world.beat_officer, book=book_of(world.beat_a1_1), card=household, handed_on=DAY
    )
    with pytest.raises(ValidationError):
        handouts.handout_record(
            actor=world.beat_officer, book=book_of(world.beat_a1_1), card=household, handed_on=DAY
        )
    assert LiaisonCard.objects.get(pk=household.pk).handouts.count() == 1
