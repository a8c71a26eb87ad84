"""A card moves along its life cycle through the buttons of its page: 提出 by staff, 受持区の
指定 by the 地域課長等, 編てつ by the beat officer, 廃止 and 受持区の変更. Refusals are
messages, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.cards import services as cards_services
from liaison.cards.models import CardKind, CardStatus
from liaison.filing import services as filing_services
from tests.liaison.conftest import HOUSEHOLD_DATA, MEMBERS, book_of, make_household
from tests.liaison.views import form_fields, page

pytestmark = pytest.mark.django_db


def url(name, card):
    return reverse(f"liaison:{name}", kwargs={"pk": card.pk})


@pytest.fixture
def staff_draft(world):
    return cards_services.card_create(
        actor=world.staff,
        kind=CardKind.HOUSEHOLD,
        station=world.station_a,
        data=HOUSEHOLD_DATA,
        members=MEMBERS,
        draft=True,
    )


def test_staff_submit_the_chief_assigns_and_the_beat_officer_files(world, login, staff_draft):
    staff = login(world.staff)
    detail = page(staff.get(url("card_detail", staff_draft)))
    assert "提出する" in detail and url("card_submit", staff_draft) in detail
    response = staff.post(url("card_submit", staff_draft), {"version": "1"})
    assert response.status_code == 302
    staff_draft.refresh_from_db()
    assert staff_draft.status == CardStatus.SUBMITTED
    assert "提出しました" in page(staff.get(response.url))

    chief = login(world.chief)
    listed = page(chief.get(reverse("liaison:submitted_list")))
    assert "受持区の指定待ち" in listed and "山田 太郎" in listed
    form = page(chief.get(url("card_assign", staff_draft)))
    assert "第1受持区" in form and "山田受持区" in form and "北口第1受持区" not in form
    response = chief.post(url("card_assign", staff_draft), {"book": world.beat_a1_1.pk})
    assert response.status_code == 302
    staff_draft.refresh_from_db()
    assert staff_draft.book == book_of(world.beat_a1_1)
    assert staff_draft.status == CardStatus.SUBMITTED

    officer = login(world.beat_officer)
    detail = page(officer.get(url("card_detail", staff_draft)))
    assert "編てつする" in detail
    response = officer.post(url("card_file", staff_draft), {"version": str(staff_draft.version)})
    assert response.status_code == 302
    staff_draft.refresh_from_db()
    assert staff_draft.status == CardStatus.FILED
    assert "巡回連絡簿に編てつしました" in page(officer.get(response.url))


def test_an_officer_files_his_own_draft(world, login):
    draft = make_household(world.beat_officer, world.beat_a1_1, draft=True)
    client = login(world.beat_officer)
    response = client.post(url("card_file", draft), {"version": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == CardStatus.FILED


def test_an_incomplete_draft_is_not_filed_and_the_page_says_why(world, login):
    draft = make_household(world.beat_officer, world.beat_a1_1, draft=True, banchi="")
    client = login(world.beat_officer)
    response = client.post(url("card_file", draft), {"version": "1"})
    assert response.status_code == 302
    assert "番地を入力してください" in page(client.get(response.url))
    draft.refresh_from_db()
    assert draft.status == CardStatus.DRAFT


def test_a_stale_page_cannot_file(world, login):
    draft = make_household(world.beat_officer, world.beat_a1_1, draft=True)
    cards_services.card_update(actor=world.beat_officer, card=draft, version=1, data={"room": "1"})
    client = login(world.beat_officer)
    response = client.post(url("card_file", draft), {"version": "1"})
    assert "他の職員が保存しました" in page(client.get(response.url))
    draft.refresh_from_db()
    assert draft.status == CardStatus.DRAFT


def test_filing_a_filed_card_again_is_a_message_not_an_error(world, login, household):
    client = login(world.beat_officer)
    response = client.post(url("card_file", household), {"version": "1"})
    assert response.status_code == 302
    assert "編てつ済みのカードに「編てつ」はできません" in page(client.get(response.url))


def test_a_card_is_closed_with_reason_and_date_and_kept(world, login, household):
    client = login(world.beat_officer)
    form = page(client.get(url("card_close", household)))
    assert "廃止理由" in form and "削除されず" in form
    assert timezone.localdate().strftime("%Y/%m/%d") in form
    fields = form_fields(form, "step-form")
    fields.update(reason="moved", closed_on="2026/1/15", note="東京都へ転出")
    fields["closed_on"] = (timezone.localdate() - dt.timedelta(days=3)).strftime("%Y/%m/%d")
    response = client.post(url("card_close", household), fields)
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.status, household.close_reason, household.close_note) == (
        CardStatus.CLOSED,
        "moved",
        "東京都へ転出",
    )
    text = page(client.get(response.url))
    assert "廃止しました" in text and "転出" in text and "東京都へ転出" in text


def test_closing_needs_a_reason_and_a_date_not_in_the_future(world, login, household):
    client = login(world.beat_officer)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(url("card_close", household), {"reason": "", "closed_on": tomorrow})
    assert response.status_code == 200
    text = page(response)
    assert "廃止理由を選んでください" in text and "廃止日に未来の日付は入力できません" in text
    household.refresh_from_db()
    assert household.status == CardStatus.FILED


def test_a_card_moves_to_another_beat_of_the_post(world, login, household):
    client = login(world.supervisor)
    form = page(client.get(url("card_move", household)))
    assert "第2受持区" in form and "北口" not in form
    response = client.post(
        url("card_move", household),
        {"book": world.beat_a1_2.pk, "reason": "受持区の境界変更", "version": "1"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.book == book_of(world.beat_a1_2)
    assert "受持区の境界変更" in page(client.get(url("card_history", household)))


def test_moving_needs_a_reason(world, login, household):
    response = login(world.supervisor).post(
        url("card_move", household), {"book": world.beat_a1_2.pk, "reason": ""}
    )
    assert response.status_code == 200
    assert "受持区を変更する理由を入力してください" in page(response)


def test_a_beat_officer_may_not_move_to_a_book_he_does_not_write(world, login, household):
    client = login(world.beat_officer)
    assert "移すことのできるほかの受持区がありません" in page(
        client.get(url("card_move", household))
    )
    response = client.post(
        url("card_move", household), {"book": world.beat_a1_2.pk, "reason": "境界変更"}
    )
    assert response.status_code == 200
    household.refresh_from_db()
    assert household.book == book_of(world.beat_a1_1)


@pytest.mark.parametrize("name", ["card_submit", "card_file"])
def test_buttons_answer_post_only(world, login, household, name):
    assert login(world.beat_officer).get(url(name, household)).status_code == 405


@pytest.mark.parametrize("name", ["card_close", "card_move"])
def test_who_only_reads_gets_a_403(world, login, household, name):
    client = login(world.station_manager)
    assert client.get(url(name, household)).status_code == 403
    assert client.post(url(name, household), {}).status_code == 403


def test_only_the_chief_assigns(world, login, staff_draft):
    filing_services.card_submit(actor=world.staff, card=staff_draft)
    assert login(world.staff).get(url("card_assign", staff_draft)).status_code == 403
    assert login(world.beat_officer).get(url("card_assign", staff_draft)).status_code == 404


def test_a_beat_officer_may_not_file_someone_elses_unassigned_card(world, login, staff_draft):
    filing_services.card_submit(actor=world.staff, card=staff_draft)
    # Not assigned to his beat yet: outside his scope.
    assert login(world.beat_officer).post(url("card_file", staff_draft)).status_code == 404
    # The chief sees it, but filing is the beat officer's.
    response = login(world.chief).post(url("card_file", staff_draft))
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["card_close", "card_move", "card_assign"])
def test_steps_on_a_card_out_of_scope_are_not_found(world, login, other_station_card, name):
    client = login(world.chief)
    assert client.get(url(name, other_station_card)).status_code == 404
    assert client.post(url(name, other_station_card), {}).status_code == 404


def test_steps_on_a_card_out_of_scope_by_post_are_not_found(world, login, other_station_card):
    for name in ("card_submit", "card_file"):
        assert login(world.chief).post(url(name, other_station_card)).status_code == 404


def test_assigning_a_filed_card_is_a_message(world, login, household):
    client = login(world.chief)
    response = client.get(url("card_assign", household))
    assert response.status_code == 302
    assert "受持区の指定」はできません" in page(client.get(response.url))


def test_anonymous_users_are_sent_to_sign_in(client, world, household):
    for name in ("card_close", "card_move", "card_assign"):
        response = client.get(url(name, household))
        assert response.status_code == 302
    response = client.post(url("card_submit", household))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
