"""Input that would corrupt order or display is refused at its field, and nothing already
typed is lost (issue 16): フリガナ is kana only, direction and control characters are
refused in every text field, free text has a limit, a NUL byte is named as such."""

from __future__ import annotations

import pytest
from django.urls import reverse

from liaison.cards.models import LiaisonCard
from liaison.visits.models import Visit
from tests.liaison.conftest import make_household
from tests.liaison.views import THREE_MEMBERS, household_post, page

pytestmark = pytest.mark.django_db

KANA_ERROR = "フリガナはカタカナかひらがな（全角・半角のどちらでも）で入力してください。"
BIDI_ERROR = "文字の向きを変える制御文字（U+202E など）は入力できません。"
NUL_ERROR = "NUL文字（コード 0 の制御文字）は入力できません。"


def new_url(world) -> str:
    return reverse("liaison:book_card_create", kwargs={"pk": world.beat_a1_1.pk}) + (
        "?kind=household"
    )


def with_first_member(**changes):
    return [{**THREE_MEMBERS[0], **changes}, *THREE_MEMBERS[1:]]


@pytest.mark.parametrize(
    "kana",
    ["山田 太郎", "ヤマダ1", "<b>ヤマダ</b>", "ヤマダ-タロウ", "yamada"],
    ids=["kanji", "digit", "markup", "hyphen", "latin"],
)
def test_a_member_kana_that_is_not_kana_is_refused_at_the_field(world, login, kana):
    client = login(world.beat_officer)
    response = client.post(new_url(world), household_post(members=with_first_member(kana=kana)))
    assert response.status_code == 200
    html = page(response)
    assert KANA_ERROR in html
    # What was typed is still in the form, the other rows too.
    assert "水戸 花子" in html
    assert not LiaisonCard.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ﾔﾏﾀﾞ ﾀﾛｰ", "ヤマダ タロー"),
        ("やまだ　たろう", "ヤマダ タロウ"),
        ("ヴァイオレット", "ヴァイオレット"),
    ],
)
def test_kana_of_any_width_and_script_is_folded_to_full_width_katakana(world, login, typed, stored):
    client = login(world.beat_officer)
    response = client.post(new_url(world), household_post(members=with_first_member(kana=typed)))
    assert response.status_code == 302
    assert LiaisonCard.objects.get().members.get(name="水戸 太郎").kana == stored


def test_a_business_kana_is_kana_only_too(world, login):
    url = reverse("liaison:book_card_create", kwargs={"pk": world.beat_a1_1.pk})
    client = login(world.beat_officer)
    form = page(client.get(url + "?kind=business"))
    assert 'name="business_name_kana"' in form
    data = household_post(
        business_name="笠原商店", business_name_kana="笠原ショウテン", members=[], kind="business"
    )
    response = client.post(url + "?kind=business", data)
    assert KANA_ERROR in page(response)


@pytest.mark.parametrize("field", ["concerns", "town", "building"])
def test_a_right_to_left_override_is_refused_in_any_text_field(world, login, field):
    client = login(world.beat_officer)
    response = client.post(new_url(world), household_post(**{field: "笠原\u202eｄｐ.exe"}))
    assert response.status_code == 200
    assert BIDI_ERROR in page(response)
    assert not LiaisonCard.objects.exists()


def test_a_right_to_left_override_in_a_member_name_is_refused(world, login):
    client = login(world.beat_officer)
    response = client.post(
        new_url(world), household_post(members=with_first_member(name="水戸\u202e太郎"))
    )
    assert BIDI_ERROR in page(response)


def test_a_nul_byte_is_named_as_such(world, login):
    client = login(world.beat_officer)
    response = client.post(new_url(world), household_post(concerns="夜道が\x00暗い"))
    html = page(response)
    assert NUL_ERROR in html
    assert "何か文字を入力してください" not in html
    assert not LiaisonCard.objects.exists()


def test_concerns_have_a_limit(world, login):
    client = login(world.beat_officer)
    response = client.post(new_url(world), household_post(concerns="あ" * 2001))
    assert response.status_code == 200
    assert "2000" in page(response)
    assert not LiaisonCard.objects.exists()
    response = client.post(new_url(world), household_post(concerns="あ" * 2000))
    assert response.status_code == 302


def test_a_visit_note_has_a_limit_and_refuses_control_characters(world, login):
    card = make_household(world.beat_officer, world.beat_a1_1)
    url = reverse("liaison:visit_create", kwargs={"pk": card.pk})
    client = login(world.beat_officer)
    base = {
        "date": "",
        "started_at": "10:00",
        "ended_at": "10:10",
        "outcome": "met",
    }
    for concerns, message in (("あ" * 2001, "2000文字以内"), ("雨漏り\u202e", BIDI_ERROR)):
        response = client.post(url, {**base, "concerns": concerns})
        assert response.status_code == 200
        assert message in page(response)
    assert not Visit.objects.exists()


def test_the_service_refuses_what_the_form_would(world):
    """Input reaching a service another way (a task, an import) meets the same rules."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        make_household(
            world.beat_officer,
            world.beat_a1_1,
            members=[{"name": "山田 太郎", "kana": "山田", "relationship": "head"}],
        )
    assert KANA_ERROR in str(refused.value)
    with pytest.raises(ValidationError):
        make_household(world.beat_officer, world.beat_a1_1, concerns="あ" * 2001)
