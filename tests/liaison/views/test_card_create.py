"""An officer makes a card on a tablet: the form for its kind, members added on the page,
filed at once or kept as a draft; other staff submit theirs to the 地域課長等."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from liaison.cards.models import CardKind, CardStatus, LiaisonCard
from tests.liaison.conftest import book_of
from tests.liaison.views import ADDRESS, formset_rows, household_post, page

pytestmark = pytest.mark.django_db


def new_url(beat, kind="household", **extra):
    query = "&".join(f"{k}={v}" for k, v in {"kind": kind, **extra}.items())
    return f"{reverse('liaison:book_card_create', kwargs={'pk': beat.pk})}?{query}"


def test_the_household_form_shows_its_items_and_a_member_row_to_copy(world, login):
    response = login(world.beat_officer).get(new_url(world.beat_a1_1))
    assert response.status_code == 200
    text = page(response)
    for label in (
        "郵便番号",
        "町字",
        "番地",
        "居住形態",
        "入居年月日",
        "緊急連絡先",
        "一人暮らしの高齢者",
    ):
        assert label in text
    assert "事業所名" not in text and "従業員数" not in text
    # The button, the management form and the template card_form.js clones.
    assert "世帯員を追加" in text
    assert 'name="members-TOTAL_FORMS"' in text
    assert "<template data-formset-template>" in text
    assert "members-__prefix__-name" in text
    assert 'name="declined_phone"' in text
    assert "card_form.js" in text
    # CSP: no inline script, style or handler.
    assert "<script>" not in text and "style=" not in text and "onclick" not in text


def test_the_business_form_asks_for_business_items_only(world, login):
    text = page(login(world.beat_officer).get(new_url(world.beat_a1_1, "business")))
    for label in ("事業所名", "代表者", "業種", "従業員数", "営業時間", "休業日"):
        assert label in text
    assert "世帯員を追加" not in text and "居住形態" not in text
    assert 'name="declined_business_trade"' in text


def test_without_a_kind_the_officer_chooses_one(world, login):
    url = reverse("liaison:book_card_create", kwargs={"pk": world.beat_a1_1.pk})
    text = page(login(world.beat_officer).get(url))
    assert "種別を選んでください" in text
    assert "?kind=household" in text and "?kind=apartment" in text and "?kind=business" in text


def test_a_household_of_three_is_filed_through_the_form(world, login):
    client = login(world.beat_officer)
    response = client.post(new_url(world.beat_a1_1), household_post())
    card = LiaisonCard.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("liaison:card_detail", kwargs={"pk": card.pk})
    assert card.status == CardStatus.FILED
    assert card.book_id == world.beat_a1_1.pk
    assert card.postal_code == "3100852"
    assert card.head_name == "水戸 太郎"
    members = list(card.members.all())
    assert [m.name for m in members] == ["水戸 太郎", "水戸 花子", "水戸 一郎"]
    # Kana typed in hiragana or half-width is kept as katakana; 和暦 is a date.
    assert [m.kana for m in members] == ["ミト タロウ", "ミト ハナコ", "ミト イチロウ"]
    assert str(members[1].birth_date) == "1975-05-05"
    assert "作成して編てつしました" in page(client.get(response.url))


def test_declined_items_are_recorded_apart_from_empty_ones(world, login):
    members = [
        {"name": "水戸 太郎", "relationship": "head", "declined_birth_date": "on"},
        {"name": "水戸 花子", "relationship": "spouse"},
    ]
    client = login(world.beat_officer)
    client.post(
        new_url(world.beat_a1_1),
        household_post(members=members, phone="", declined_phone="on", concerns=""),
    )
    card = LiaisonCard.objects.get()
    assert card.declined == ["phone"]
    assert "電話番号" in card.declined_summary and "世帯員の生年月日" in card.declined_summary
    assert "困りごと・意見・要望" in card.missing and "電話番号" not in card.missing
    assert card.members.get(name="水戸 太郎").declined == ["birth_date"]
    text = page(client.get(reverse("liaison:card_detail", kwargs={"pk": card.pk})))
    assert "回答拒否" in text and "未記入" in text


def test_a_vehicle_row_is_saved_with_the_card(world, login):
    vehicles = [
        {
            "kind": "普通乗用車",
            "maker_model": "プリウス",
            "color": "白",
            "plate": "水戸 300 あ 12-34",
        }
    ]
    login(world.beat_officer).post(new_url(world.beat_a1_1), household_post(vehicles=vehicles))
    assert LiaisonCard.objects.get().vehicles.get().plate == "水戸 300 あ 12-34"


def test_a_draft_is_kept_with_items_missing(world, login):
    client = login(world.beat_officer)
    data = household_post(members=[], town="", banchi="", action="draft")
    response = client.post(new_url(world.beat_a1_1), data)
    card = LiaisonCard.objects.get()
    assert response.status_code == 302
    assert card.status == CardStatus.DRAFT
    assert card.created_by == world.beat_officer
    assert "下書きとして保存しました" in page(client.get(response.url))


def test_filing_a_card_with_required_items_missing_keeps_everything_typed(world, login):
    client = login(world.beat_officer)
    data = household_post(town="", banchi="", phone="029-888-7777")
    response = client.post(new_url(world.beat_a1_1), data)
    assert response.status_code == 200
    assert LiaisonCard.objects.count() == 0
    text = page(response)
    assert "町字を入力してください" in text and "番地を入力してください" in text
    assert 'value="029-888-7777"' in text
    assert 'value="水戸 花子"' in text and 'value="水戸 一郎"' in text
    assert 'name="members-TOTAL_FORMS" value="3"' in text


def test_a_household_needs_a_member_to_be_filed(world, login):
    response = login(world.beat_officer).post(new_url(world.beat_a1_1), household_post(members=[]))
    assert response.status_code == 200
    assert "世帯員を1人以上入力してください" in page(response)
    assert LiaisonCard.objects.count() == 0


def test_a_deleted_row_and_an_untouched_new_row_are_left_out(world, login):
    members = [
        {"name": "水戸 太郎", "relationship": "head"},
        {"name": "間違い 入力", "DELETE": "on"},
        {},  # added with the button, then left empty
    ]
    login(world.beat_officer).post(new_url(world.beat_a1_1), household_post(members=members))
    assert [m.name for m in LiaisonCard.objects.get().members.all()] == ["水戸 太郎"]


def test_a_unit_of_an_apartment_takes_the_building_address(world, login):
    client = login(world.beat_officer)
    building = {**ADDRESS, "building": "笠原ハイツ", "phone": "", "emergency_name": ""}
    client.post(
        new_url(world.beat_a1_1, "apartment"),
        {**building, "made_by": "interview", "concerns": "", "action": "file"},
    )
    apartment = LiaisonCard.objects.get(kind=CardKind.APARTMENT)
    detail = page(client.get(reverse("liaison:card_detail", kwargs={"pk": apartment.pk})))
    assert f"?kind=household&amp;parent={apartment.pk}" in detail
    url = new_url(world.beat_a1_1, parent=apartment.pk)
    form_page = page(client.get(url))
    assert "笠原ハイツ" in form_page and "一室の世帯" in form_page
    client.post(url, household_post(building="", room="201"))
    unit = LiaisonCard.objects.get(parent=apartment)
    assert (unit.building, unit.room, unit.status) == ("笠原ハイツ", "201", CardStatus.FILED)
    assert unit.head_name in page(
        client.get(reverse("liaison:card_detail", kwargs={"pk": apartment.pk}))
    )


def test_staff_submit_a_card_to_the_chief(world, login):
    client = login(world.staff)
    url = f"{reverse('liaison:card_create')}?kind=household"
    form_page = page(client.get(url))
    assert world.station_a.name in form_page and "提出" in form_page
    response = client.post(url, household_post(action="submit"))
    card = LiaisonCard.objects.get()
    assert response.status_code == 302
    assert (card.status, card.book_id, card.station_id) == (
        CardStatus.SUBMITTED,
        None,
        world.station_a.pk,
    )
    assert AccessEvent.objects.filter(
        user=world.staff, action=AccessEvent.Action.CREATE, object_id=str(card.pk)
    ).exists()


def test_staff_may_keep_a_draft(world, login):
    login(world.staff).post(
        f"{reverse('liaison:card_create')}?kind=business",
        {
            **ADDRESS,
            "business_name": "",
            "made_by": "request",
            "action": "draft",
            **formset_rows("vehicles", []),
        },
    )
    card = LiaisonCard.objects.get()
    assert (card.status, card.kind, card.made_by) == (CardStatus.DRAFT, "business", "request")


@pytest.mark.parametrize("persona", ["station_manager", "overall_manager"])
def test_who_only_reads_the_book_may_not_add_to_it(world, login, persona):
    response = login(getattr(world, persona)).get(new_url(world.beat_a1_1))
    assert response.status_code == 403
    response = login(getattr(world, persona)).post(new_url(world.beat_a1_1), household_post())
    assert response.status_code == 403
    assert LiaisonCard.objects.count() == 0


def test_a_book_out_of_scope_is_not_found(world, login):
    client = login(world.beat_officer)
    assert client.get(new_url(world.beat_b1_1)).status_code == 404
    assert client.post(new_url(world.beat_b1_1), household_post()).status_code == 404
    assert client.get(new_url(world.beat_a1_2)).status_code == 404


@pytest.mark.parametrize("persona", ["beat_officer", "chief", "no_role"])
def test_only_staff_make_cards_to_submit(world, login, persona):
    response = login(getattr(world, persona)).get(reverse("liaison:card_create"))
    assert response.status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, world):
    for url in (new_url(world.beat_a1_1), reverse("liaison:card_create")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_a_wrong_method_is_refused(world, login):
    client = login(world.beat_officer)
    assert client.put(new_url(world.beat_a1_1)).status_code == 405
    assert client.delete(reverse("liaison:card_create")).status_code == 405


def test_the_supervisor_of_the_post_files_into_another_beat_of_the_post(world, login):
    login(world.supervisor).post(new_url(world.beat_a1_2), household_post())
    assert LiaisonCard.objects.get().book == book_of(world.beat_a1_2)
