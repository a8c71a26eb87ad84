"""補正 of a filed card (with a reason, kept in the history) and editing a draft; two people
editing one card: the second save is refused and nothing is lost."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessEvent
from liaison.cards.models import CardStatus
from liaison.filing import services
from tests.liaison.conftest import make_household
from tests.liaison.views import form_fields, page

pytestmark = pytest.mark.django_db


def second_client(user) -> Client:
    """Another tablet, signed in as someone else (as the login fixture does)."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="別の端末", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def edit_url(card):
    return reverse("liaison:card_edit", kwargs={"pk": card.pk})


def opened(client, card) -> dict:
    """The edit page as the browser holds it: every field's current value."""
    response = client.get(edit_url(card))
    assert response.status_code == 200
    return form_fields(page(response), "card-form")


def test_the_edit_page_holds_the_card_its_members_and_its_version(world, login, household):
    fields = opened(login(world.beat_officer), household)
    assert fields["version"] == "1"
    assert fields["postal_code"] == "3100852"
    assert fields["members-TOTAL_FORMS"] == "3" and fields["members-INITIAL_FORMS"] == "3"
    assert fields["members-1-name"] == "山田 花子"
    assert fields["members-0-id"] == str(household.members.first().pk)
    assert "reason" in fields
    assert AccessEvent.objects.filter(
        user=world.beat_officer, action=AccessEvent.Action.VIEW, object_id=str(household.pk)
    ).exists()


def test_a_correction_needs_a_reason_at_its_field(world, login, household):
    client = login(world.beat_officer)
    fields = opened(client, household)
    fields.update(phone="029-555-0000", reason="", action="save")
    response = client.post(edit_url(household), fields)
    assert response.status_code == 200
    assert "補正の理由を入力してください" in page(response)
    assert 'value="029-555-0000"' in page(response)
    household.refresh_from_db()
    assert household.phone == "029-123-4567"


def test_a_correction_is_saved_and_shown_in_the_history(world, login, household):
    client = login(world.beat_officer)
    fields = opened(client, household)
    fields.update(
        {
            "phone": "029-555-0000",
            "reason": "転入による世帯員の追加",
            "members-2-DELETE": "on",
            "members-TOTAL_FORMS": "4",
            "members-3-name": "山田 次郎",
            "members-3-kana": "ヤマダ ジロウ",
            "members-3-relationship": "child",
        }
    )
    response = client.post(edit_url(household), fields)
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.phone, household.version) == ("029-555-0000", 2)
    assert [m.name for m in household.members.all()] == ["山田 太郎", "山田 花子", "山田 次郎"]
    text = page(client.get(response.url))
    assert "補正しました" in text
    assert "転入による世帯員の追加" in text
    assert "<del>029-123-4567</del> → <ins>029-555-0000</ins>" in text
    assert "世帯員 山田 次郎（作成）" in text and "世帯員 山田 一郎（削除）" in text


def test_the_second_of_two_editors_is_refused_and_keeps_his_input(world, login, household):
    officer = login(world.beat_officer)
    mine = opened(officer, household)
    # The supervisor opens the same card and saves first.
    other = second_client(world.supervisor)
    theirs = opened(other, household)
    theirs.update(phone="029-999-0000", reason="電話番号の変更")
    assert other.post(edit_url(household), theirs).status_code == 302

    mine.update(concerns="夜道が暗い", reason="要望の記入")
    response = officer.post(edit_url(household), mine)
    assert response.status_code == 409
    text = page(response)
    assert "他の職員が保存しました（変更された項目：電話番号）" in text
    # What the other person changed, old → new, in a small table.
    assert re.search(r"<td>電話番号</td><td>029-123-4567</td><td>029-999-0000</td>", text)
    # Nothing typed is lost; the form now carries the current version.
    assert "夜道が暗い</textarea>" in text and 'value="要望の記入"' in text
    assert form_fields(text, "card-form")["version"] == "2"
    household.refresh_from_db()
    assert (household.phone, household.concerns, household.version) == ("029-999-0000", "", 2)


def test_a_draft_is_edited_by_its_maker_without_a_reason(world, login):
    draft = make_household(world.beat_officer, world.beat_a1_1, draft=True, banchi="")
    client = login(world.beat_officer)
    fields = opened(client, draft)
    assert "reason" not in fields
    fields.update(banchi="5-6", action="save")
    response = client.post(edit_url(draft), fields)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.banchi, draft.status) == ("5-6", CardStatus.DRAFT)
    text = page(client.get(response.url))
    assert "下書きの編集" in text and "編てつする" in text


def test_a_draft_of_someone_else_is_not_found(world, login):
    draft = make_household(world.beat_officer, world.beat_a1_1, draft=True)
    assert login(world.supervisor).get(edit_url(draft)).status_code == 404


@pytest.mark.parametrize("persona", ["station_manager", "overall_manager"])
def test_who_only_reads_may_not_correct(world, login, household, persona):
    client = login(getattr(world, persona))
    assert client.get(edit_url(household)).status_code == 403
    assert client.post(edit_url(household), {"reason": "x"}).status_code == 403


def test_a_card_out_of_scope_is_not_found(world, login, household, other_station_card):
    assert login(world.other_officer).get(edit_url(household)).status_code == 404
    assert login(world.chief).post(edit_url(other_station_card), {}).status_code == 404


def test_a_closed_card_cannot_be_corrected(world, login, household):
    services.card_close(
        actor=world.beat_officer,
        card=household,
        version=1,
        reason="moved",
        closed_on=timezone.localdate(),
    )
    client = login(world.beat_officer)
    response = client.get(edit_url(household))
    assert response.status_code == 302
    assert "廃止のカードに「補正」はできません" in page(client.get(response.url))


def test_a_correction_that_leaves_out_required_items_is_refused_at_the_field(
    world, login, household
):
    client = login(world.beat_officer)
    fields = opened(client, household)
    fields.update(town="", reason="町名の訂正")
    response = client.post(edit_url(household), fields)
    assert response.status_code == 200
    assert "町字を入力してください" in page(response)
    household.refresh_from_db()
    assert household.town == "笠原町"


def test_anonymous_users_are_sent_to_sign_in(client, world, household):
    response = client.get(edit_url(household))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
