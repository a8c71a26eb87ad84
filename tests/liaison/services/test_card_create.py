"""card_create: a beat officer's card is filed at once; other staff's card is submitted."""

import pytest
from django.core.exceptions import ValidationError

from accounts.exceptions import PermissionDenied
from accounts.models import AccessEvent
from liaison.cards import services
from liaison.cards.models import CardKind, CardStatus
from tests.liaison.conftest import MEMBERS, book_of, make_business, make_household

pytestmark = pytest.mark.django_db


def test_it_files_a_beat_officers_card_in_his_book_at_once(world):
    card = make_household(world.beat_officer, world.beat_a1_1)
    assert card.status == CardStatus.FILED
    assert card.book_id == world.beat_a1_1.pk
    assert card.station_id == world.station_a.pk
    assert card.filed_at is not None
    assert [m.name for m in card.members.all()] == ["山田 太郎", "山田 花子", "山田 一郎"]
    assert card.member_count == 3
    assert card.head_name == "山田 太郎"
    assert card.head_kana == "ヤマダ タロウ"


def test_it_records_the_creation_in_the_access_log_and_history(world):
    card = make_household(world.beat_officer, world.beat_a1_1)
    event = AccessEvent.objects.get(action=AccessEvent.Action.CREATE, object_id=str(card.pk))
    assert event.user == world.beat_officer
    assert event.object_type == "liaison.liaisoncard"
    record = card.history.get()
    assert record.history_user == world.beat_officer
    assert record.history_change_reason == "作成・編てつ"


def test_it_refuses_a_card_in_a_book_the_officer_does_not_write(world):
    with pytest.raises(PermissionDenied):
        make_household(world.beat_officer, world.beat_a1_2)
    with pytest.raises(PermissionDenied):
        make_household(world.station_manager, world.beat_a1_1)


def test_a_draft_keeps_what_was_typed_without_the_required_items(world):
    card = make_household(world.beat_officer, world.beat_a1_1, members=[], draft=True, town="")
    assert card.status == CardStatus.DRAFT
    assert card.book_id == world.beat_a1_1.pk
    assert card.phone == "029-123-4567"


def test_a_filed_household_needs_a_member_and_an_address(world):
    with pytest.raises(ValidationError) as caught:
        make_household(world.beat_officer, world.beat_a1_1, members=[], town="", banchi="")
    errors = caught.value.message_dict
    assert "町字" in errors["town"][0]
    assert "番地" in errors["banchi"][0]
    assert "世帯員" in errors["__all__"][0]


def test_staff_card_is_submitted_to_the_station_without_a_book(world):
    card = services.card_create(
        actor=world.staff,
        kind=CardKind.BUSINESS,
        station=world.station_a,
        data={"town": "笠原町", "banchi": "5", "business_name": "窓口商店"},
    )
    assert card.status == CardStatus.SUBMITTED
    assert card.book_id is None
    assert card.submitted_at is not None


def test_staff_of_another_station_cannot_submit_here(world):
    with pytest.raises(PermissionDenied):
        services.card_create(
            actor=world.other_officer,
            kind=CardKind.BUSINESS,
            station=world.station_a,
            data={"town": "笠原町", "banchi": "5", "business_name": "窓口商店"},
        )


def test_a_household_unit_under_an_apartment_takes_its_address(world):
    apartment = services.card_create(
        actor=world.beat_officer,
        kind=CardKind.APARTMENT,
        book=book_of(world.beat_a1_1),
        data={"town": "笠原町", "banchi": "2-4", "building": "笠原ハイツ"},
    )
    unit = services.card_create(
        actor=world.beat_officer,
        kind=CardKind.HOUSEHOLD,
        book=book_of(world.beat_a1_1),
        parent=apartment,
        data={"room": "101"},
        members=[MEMBERS[0]],
    )
    assert (unit.town, unit.banchi, unit.building, unit.room) == (
        "笠原町",
        "2-4",
        "笠原ハイツ",
        "101",
    )
    assert list(apartment.units.all()) == [unit]


def test_only_households_go_under_an_apartment(world):
    house = make_household(world.beat_officer, world.beat_a1_1)
    with pytest.raises(ValidationError):
        services.card_create(
            actor=world.beat_officer,
            kind=CardKind.HOUSEHOLD,
            book=book_of(world.beat_a1_1),
            parent=house,
            data={"room": "1"},
            members=[MEMBERS[0]],
        )


def test_declined_items_are_kept_apart_from_empty_ones(world):
    card = make_household(
        world.beat_officer,
        world.beat_a1_1,
        phone="",
        declined=["phone"],
        members=[{**MEMBERS[0], "declined": ["birth_date", "workplace"]}],
    )
    assert card.declined == ["phone"]
    assert "電話番号" in card.declined_summary
    assert "電話番号" not in card.missing
    assert "世帯員の生年月日" in card.declined_summary
    assert "世帯員の連絡先" in card.missing
    assert "入居年月" in card.missing


def test_a_business_card_lists_under_its_name(world):
    card = make_business(world.beat_officer, world.beat_a1_1)
    assert card.head_name == "笠原商店"
    assert card.head_kana == "カサハラショウテン"
    assert card.member_count == 0
