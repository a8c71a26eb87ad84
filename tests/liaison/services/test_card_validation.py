"""Bad input is refused with a Japanese message at the field, and nothing is written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from liaison.cards.models import LiaisonCard
from tests.liaison.conftest import MEMBERS, make_household

pytestmark = pytest.mark.django_db


def _error_for(world, field, **data):
    with pytest.raises(ValidationError) as caught:
        make_household(world.beat_officer, world.beat_a1_1, **data)
    assert LiaisonCard.objects.count() == 0
    return caught.value.message_dict[field][0]


@pytest.mark.parametrize("code", ["123456", "12345678", "abcdefg"])
def test_postal_codes_must_have_seven_digits(world, code):
    assert "7桁" in _error_for(world, "postal_code", postal_code=code)


@pytest.mark.parametrize("code", ["310-0852", "３１０−０８５２", "3100852"])
def test_postal_codes_in_any_notation_are_stored_as_digits(world, code):
    card = make_household(world.beat_officer, world.beat_a1_1, postal_code=code)
    assert card.postal_code == "3100852"


@pytest.mark.parametrize("phone", ["12345", "029-123", "abc-0291234567", "0120-12-345678"])
def test_wrong_phone_numbers_are_refused(world, phone):
    assert "電話番号" in _error_for(world, "phone", phone=phone)


@pytest.mark.parametrize(
    "phone", ["029-123-4567", "(029)123-4567", "０９０−１２３４−５６７８", "09012345678"]
)
def test_phone_numbers_in_common_notations_are_accepted(world, phone):
    assert make_household(world.beat_officer, world.beat_a1_1, phone=phone).pk


@pytest.mark.parametrize("banchi", ["1-2-3", "1番地2", "一丁目2番3号", "123番地の4", "１２−３"])
def test_banchi_forms_are_accepted(world, banchi):
    assert make_household(world.beat_officer, world.beat_a1_1, banchi=banchi).pk


@pytest.mark.parametrize("banchi", ["abc", "1--2", "駅前"])
def test_other_banchi_is_refused(world, banchi):
    assert "番地" in _error_for(world, "banchi", banchi=banchi)


def test_move_in_date_cannot_be_in_the_future(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert "未来" in _error_for(world, "moved_in_on", moved_in_on=tomorrow)


def test_birth_date_cannot_be_after_today_but_may_follow_the_move_in(world):
    today = timezone.localdate()
    baby = {**MEMBERS[2], "birth_date": today}
    card = make_household(
        world.beat_officer,
        world.beat_a1_1,
        moved_in_on=today - dt.timedelta(days=400),
        members=[MEMBERS[0], baby],
    )
    assert card.members.get(name="山田 一郎").birth_date == today
    with pytest.raises(ValidationError) as caught:
        make_household(
            world.beat_officer,
            world.beat_a1_1,
            members=[{**MEMBERS[0], "birth_date": today + dt.timedelta(days=1)}],
        )
    assert "未来" in caught.value.message_dict["birth_date"][0]
