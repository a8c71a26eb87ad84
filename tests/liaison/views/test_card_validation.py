"""Bad input on the card form: a Japanese message at the field it concerns, nothing saved,
and everything typed still on the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from liaison.cards.models import LiaisonCard
from tests.html import field_errors
from tests.liaison.views import THREE_MEMBERS, household_post, page
from tests.liaison.views.test_card_create import new_url

pytestmark = pytest.mark.django_db


def errors_at(text: str, html_name: str) -> list[str]:
    """The error messages shown at one input (by the name it is posted under)."""
    return field_errors(text, name=html_name)


def post(world, login, **changes):
    response = login(world.beat_officer).post(new_url(world.beat_a1_1), household_post(**changes))
    return response, page(response)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "12345", "郵便番号は7桁の数字で入力してください"),
        ("postal_code", "abcdefg", "郵便番号は7桁の数字で入力してください"),
        ("phone", "12345", "電話番号は0から始まる10桁または11桁で入力してください"),
        ("emergency_phone", "029-12", "電話番号は0から始まる10桁または11桁"),
        ("banchi", "abc", "番地は「1-2-3」「1番地2」「一丁目2番3号」"),
        ("moved_in_on", "2026-13-45", "日付は「2026/11/22」「2026-11-22」"),
        ("moved_in_on", "きのう", "日付は「2026/11/22」"),
        ("residence_type", "castle", "居住形態を一覧から選んでください"),
    ],
)
def test_each_bad_item_is_named_at_its_field(world, login, field, value, message):
    response, text = post(world, login, **{field: value})
    assert response.status_code == 200
    assert LiaisonCard.objects.count() == 0
    assert any(message in error for error in errors_at(text, field)), errors_at(text, field)
    assert "入力内容を確認してください" in text


def test_a_move_in_date_in_the_future_is_refused_at_its_field(world, login):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    _, text = post(world, login, moved_in_on=tomorrow.strftime("%Y/%m/%d"))
    assert errors_at(text, "moved_in_on") == ["未来の日付は入力できません。"]


def test_a_birth_date_after_today_is_refused_at_the_members_field(world, login):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    members = [{**THREE_MEMBERS[0], "birth_date": tomorrow.isoformat()}, THREE_MEMBERS[1]]
    _, text = post(world, login, members=members)
    assert errors_at(text, "members-0-birth_date") == ["未来の日付は入力できません。"]
    assert errors_at(text, "members-1-birth_date") == []
    assert LiaisonCard.objects.count() == 0


def test_a_birth_date_after_the_move_in_date_is_fine(world, login):
    members = [{**THREE_MEMBERS[0], "birth_date": "2020/6/1"}]
    response, _ = post(world, login, members=members, moved_in_on="2015-04-01")
    assert response.status_code == 302
    card = LiaisonCard.objects.get()
    assert str(card.moved_in_on) == "2015-04-01"
    assert str(card.members.get().birth_date) == "2020-06-01"


@pytest.mark.parametrize(
    "value",
    ["2016-04-01", "2016/4/1", "2016年4月1日", "２０１６／０４／０１", "平成28年4月1日", "H28.4.1"],
)
def test_dates_in_japanese_notations_are_accepted(world, login, value):
    response, _ = post(world, login, moved_in_on=value)
    assert response.status_code == 302
    assert str(LiaisonCard.objects.get().moved_in_on) == "2016-04-01"


@pytest.mark.parametrize("banchi", ["1-2-3", "1番地2", "一丁目2番3号"])
def test_banchi_as_residents_write_it_is_accepted(world, login, banchi):
    response, _ = post(world, login, banchi=banchi)
    assert response.status_code == 302


@pytest.mark.parametrize("code", ["310-0852", "３１００８５２", "〒310-0852"])
def test_postal_codes_in_any_notation_are_accepted(world, login, code):
    response, _ = post(world, login, postal_code=code)
    assert response.status_code == 302
    assert LiaisonCard.objects.get().postal_code == "3100852"


@pytest.mark.parametrize("phone", ["029-123-4567", "(029)123-4567", "０２９ー１２３ー４５６７"])
def test_phone_numbers_in_common_notations_are_accepted(world, login, phone):
    response, _ = post(world, login, phone=phone)
    assert response.status_code == 302


def test_a_declined_item_with_a_value_is_an_error_at_that_field(world, login):
    members = [{**THREE_MEMBERS[0], "declined_occupation": "on"}]
    _, text = post(world, login, members=members, declined_phone="on")
    assert errors_at(text, "phone") == [
        "回答拒否の項目は空欄にしてください（入力した内容を消すか、回答拒否のチェックを外してください）。"
    ]
    assert "回答拒否の項目は空欄にしてください" in errors_at(text, "members-0-occupation")[0]
    assert LiaisonCard.objects.count() == 0


def test_a_member_row_needs_a_name(world, login):
    members = [THREE_MEMBERS[0], {"kana": "ナナシ", "occupation": "学生"}]
    _, text = post(world, login, members=members)
    assert "氏名を入力してください" in errors_at(text, "members-1-name")[0]


def test_invalid_input_is_shown_again_as_typed(world, login):
    _, text = post(
        world,
        login,
        phone="029-12",
        banchi="abc",
        concerns="夜間の騒音が気になる",
        care_elderly_alone="on",
    )
    assert 'value="029-12"' in text and 'value="abc"' in text
    assert "夜間の騒音が気になる</textarea>" in text
    assert re.search(r'name="care_elderly_alone"[^>]*checked', text)
    for member in THREE_MEMBERS:
        assert f'value="{member["name"]}"' in text
    assert 'value="会社員"' in text


def test_a_draft_still_refuses_malformed_items(world, login):
    response, text = post(world, login, action="draft", postal_code="12", town="")
    assert response.status_code == 200
    assert LiaisonCard.objects.count() == 0
    assert "7桁" in errors_at(text, "postal_code")[0]
    assert errors_at(text, "town") == []
