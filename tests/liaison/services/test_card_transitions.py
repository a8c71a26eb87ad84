"""The card's life cycle: submit → assign → file; close; move; illegal moves refused."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import Notice
from liaison.cards import services as cards_services
from liaison.cards.models import CardKind, CardStatus
from liaison.filing import services as filing_services
from tests.liaison.conftest import MEMBERS, book_of, make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_draft(world):
    return cards_services.card_create(
        actor=world.staff,
        kind=CardKind.HOUSEHOLD,
        station=world.station_a,
        data={"town": "笠原町", "banchi": "7-1"},
        members=[MEMBERS[0]],
        draft=True,
    )


def test_staff_submit_assign_and_file(world, staff_draft):
    card = filing_services.card_submit(actor=world.staff, card=staff_draft)
    assert card.status == CardStatus.SUBMITTED
    assert Notice.objects.filter(recipient=world.chief).exists()

    card = filing_services.card_assign(actor=world.chief, card=card, book=book_of(world.beat_a1_1))
    assert card.status == CardStatus.SUBMITTED
    assert card.book_id == world.beat_a1_1.pk
    notice = Notice.objects.get(recipient=world.beat_officer)
    assert notice.url == f"/liaison/cards/{card.pk}/"
    assert "山田" not in notice.title  # notices carry no personal data

    card = filing_services.card_file(actor=world.beat_officer, card=card)
    assert card.status == CardStatus.FILED
    assert card.filed_at is not None


def test_only_the_chief_assigns_and_only_within_his_station(world, staff_draft):
    card = filing_services.card_submit(actor=world.staff, card=staff_draft)
    with pytest.raises(PermissionDenied):
        filing_services.card_assign(
            actor=world.beat_officer, card=card, book=book_of(world.beat_a1_1)
        )
    with pytest.raises(ValidationError):
        filing_services.card_assign(actor=world.chief, card=card, book=book_of(world.beat_b1_1))


def test_a_submitted_card_without_a_beat_cannot_be_filed(world, staff_draft):
    card = filing_services.card_submit(actor=world.staff, card=staff_draft)
    with pytest.raises(PermissionDenied):
        filing_services.card_file(actor=world.beat_officer, card=card)


def test_an_incomplete_draft_cannot_be_submitted(world):
    draft = cards_services.card_create(
        actor=world.staff,
        kind=CardKind.HOUSEHOLD,
        station=world.station_a,
        data={"town": "笠原町"},
        draft=True,
    )
    with pytest.raises(ValidationError):
        filing_services.card_submit(actor=world.staff, card=draft)
    draft.refresh_from_db()
    assert draft.status == CardStatus.DRAFT


def test_an_officers_draft_is_filed_by_him(world):
    draft = make_household(world.beat_officer, world.beat_a1_1, draft=True)
    card = filing_services.card_file(actor=world.beat_officer, card=draft, version=1)
    assert card.status == CardStatus.FILED


def test_a_filed_card_cannot_be_submitted_or_filed_again(world, household):
    with pytest.raises(TransitionError) as caught:
        filing_services.card_submit(actor=world.beat_officer, card=household)
    assert "編てつ済み" in caught.value.message
    with pytest.raises(TransitionError):
        filing_services.card_file(actor=world.beat_officer, card=household)


def test_closing_keeps_the_card_with_reason_and_date(world, household):
    card = filing_services.card_close(
        actor=world.beat_officer,
        card=household,
        version=1,
        reason="moved",
        closed_on=timezone.localdate(),
        note="県外へ転出",
    )
    assert card.status == CardStatus.CLOSED
    assert card.get_close_reason_display() == "転出"
    card.refresh_from_db()
    with pytest.raises(TransitionError):
        filing_services.card_close(
            actor=world.beat_officer,
            card=card,
            version=card.version,
            reason="moved",
            closed_on=timezone.localdate(),
        )
    with pytest.raises(TransitionError):
        cards_services.card_update(
            actor=world.beat_officer, card=card, version=card.version, data={}, reason="x"
        )


def test_a_close_date_in_the_future_is_refused(world, household):
    with pytest.raises(ValidationError) as caught:
        filing_services.card_close(
            actor=world.beat_officer,
            card=household,
            version=1,
            reason="moved",
            closed_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert "未来" in caught.value.message_dict["closed_on"][0]


def test_an_apartment_with_open_units_cannot_close(world):
    apartment = cards_services.card_create(
        actor=world.beat_officer,
        kind=CardKind.APARTMENT,
        book=book_of(world.beat_a1_1),
        data={"town": "笠原町", "banchi": "2-4", "building": "笠原ハイツ"},
    )
    cards_services.card_create(
        actor=world.beat_officer,
        kind=CardKind.HOUSEHOLD,
        book=book_of(world.beat_a1_1),
        parent=apartment,
        data={"room": "101"},
        members=[MEMBERS[0]],
    )
    with pytest.raises(ValidationError):
        filing_services.card_close(
            actor=world.beat_officer,
            card=apartment,
            version=1,
            reason="demolished",
            closed_on=timezone.localdate(),
        )


def test_a_boundary_change_moves_the_card_to_another_book(world, household):
    card = filing_services.card_move(
        actor=world.supervisor,
        card=household,
        book=book_of(world.beat_a1_2),
        reason="受持区の境界変更",
        version=1,
    )
    assert card.book_id == world.beat_a1_2.pk
    # The beat officer of A1-1 no longer sees it.
    from accounts.exceptions import OutOfScope
    from liaison.cards import selectors

    with pytest.raises(OutOfScope):
        selectors.card_get(user=world.beat_officer, pk=card.pk)


def test_moving_needs_the_right_to_write_the_target_book(world, household):
    with pytest.raises(PermissionDenied):
        filing_services.card_move(
            actor=world.beat_officer,
            card=household,
            book=book_of(world.beat_a1_2),
            reason="境界変更",
        )
    with pytest.raises(ValidationError):
        filing_services.card_move(
            actor=world.supervisor, card=household, book=book_of(world.beat_a1_1), reason="同じ"
        )
