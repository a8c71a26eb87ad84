"""要領 第6-2(1)イ: staff make cards only for residents whose address is in the station's
管内. Beats carry their area; a card made by staff outside 地域課 whose address lies in no
beat is refused at the address; when the address lies in a beat, the 地域課長等 finds that
beat chosen when he assigns the card."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.exceptions import PermissionDenied
from accounts.models import Department, Role
from liaison.areas import services as areas
from liaison.areas.models import BeatArea
from liaison.cards import services as cards_services
from liaison.cards.models import CardKind, CardStatus, LiaisonCard
from liaison.filing import services as filing_services
from tests.factories import DepartmentFactory, UserFactory
from tests.liaison.conftest import MEMBERS
from tests.liaison.views import household_post

pytestmark = pytest.mark.django_db

OUTSIDE = "管内（受持区の区域）にありません"


@pytest.fixture
def kannai(world):
    """Station A's areas: 笠原町 is A1-1's, 千波町一丁目 is A2-1's (山田駐在所)."""
    areas.beat_areas_set(actor=world.chief, beat=world.beat_a1_1, text="笠原町")
    areas.beat_areas_set(actor=world.chief, beat=world.beat_a2_1, text="千波町一丁目")


def staff_card(world, *, actor=None, draft=False, **address) -> LiaisonCard:
    return cards_services.card_create(
        actor=actor or world.staff,
        kind=CardKind.HOUSEHOLD,
        station=world.station_a,
        data={"town": "笠原町", "banchi": "9-9", **address},
        members=[MEMBERS[0]],
        draft=draft,
    )


def test_a_staff_card_outside_the_kannai_is_refused_at_the_address(world, login, kannai):
    client = login(world.staff)
    url = f"{reverse('liaison:card_create')}?kind=household"
    response = client.post(url, household_post(town="見川町", banchi="3-1", action="submit"))
    html = response.content.decode()
    assert response.status_code == 200
    town_field = html[html.index('id="field-town"') : html.index('id="field-banchi"')]
    assert OUTSIDE in town_field and "要領第6-2(1)イ" in town_field
    assert 'value="見川町"' in html and 'value="水戸 太郎"' in html  # nothing typed is lost
    assert not LiaisonCard.objects.exists()


def test_a_draft_is_kept_but_its_submission_is_checked(world, kannai):
    draft = staff_card(world, draft=True, town="見川町")
    with pytest.raises(ValidationError) as refused:
        filing_services.card_submit(actor=world.staff, card=draft)
    assert OUTSIDE in str(refused.value.message_dict["town"])
    assert LiaisonCard.objects.get(pk=draft.pk).status == CardStatus.DRAFT


def test_a_card_in_a_beat_is_proposed_to_the_chief(world, login, kannai):
    card = staff_card(world, town="千波町", banchi="1-5-2")
    assert card.status == CardStatus.SUBMITTED
    assert card.proposed_book_id == world.beat_a2_1.pk
    response = login(world.chief).get(reverse("liaison:card_assign", kwargs={"pk": card.pk}))
    html = response.content.decode()
    assert f'<option value="{world.beat_a2_1.pk}" selected>' in html
    assert "山田駐在所 山田受持区の区域（千波町1丁目）にある" in html
    # The queue says where it would go.
    queue = login(world.chief).get(reverse("liaison:submitted_list")).content.decode()
    assert "住所から推定" in queue


def test_staff_of_the_community_department_are_not_held_to_the_kannai(world, kannai):
    community = Department.objects.get(station=world.station_a, kind=Department.Kind.COMMUNITY)
    clerk = UserFactory(employee_number="300001", full_name="地域課 職員")
    accounts_services.appointment_start(
        actor=None,
        user=clerk,
        role=Role.STAFF,
        unit=world.station_a,
        department=community,
        starts_on=timezone.localdate(),
    )
    card = staff_card(world, actor=clerk, town="見川町")
    assert card.status == CardStatus.SUBMITTED and card.proposed_book_id is None


def test_staff_of_another_department_are(world, kannai):
    safety = DepartmentFactory(
        station=world.station_a, kind=Department.Kind.SAFETY, name="生活安全課"
    )
    clerk = UserFactory(employee_number="300002", full_name="生活安全課 職員")
    accounts_services.appointment_start(
        actor=None,
        user=clerk,
        role=Role.STAFF,
        unit=world.station_a,
        department=safety,
        starts_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        staff_card(world, actor=clerk, town="見川町")


def test_a_station_that_has_set_no_area_lets_cards_through(world):
    card = staff_card(world, town="見川町")
    assert card.status == CardStatus.SUBMITTED and card.proposed_book_id is None


def test_areas_are_kept_by_the_chief_and_hq_with_their_history(world, login):
    client = login(world.chief)
    url = reverse("liaison:beat_area_edit", kwargs={"pk": world.beat_a1_2.pk})
    response = client.post(url, {"areas": "笠原町一丁目\n笠原町二丁目", "reason": "見直し"})
    assert response.status_code == 302
    assert [str(a) for a in BeatArea.objects.filter(beat=world.beat_a1_2)] == [
        "笠原町1丁目",
        "笠原町2丁目",
    ]
    areas.beat_areas_set(actor=world.overall_manager, beat=world.beat_a1_2, text="笠原町二丁目")
    records = BeatArea.history.filter(beat_id=world.beat_a1_2.pk).order_by("history_date")
    assert [(r.history_type, r.chome, r.history_user) for r in records] == [
        ("+", 1, world.chief),
        ("+", 2, world.chief),
        ("-", 1, world.overall_manager),
    ]
    page = client.get(url).content.decode()
    assert "削除「笠原町1丁目」" in page
    # Beat officers, 取扱責任者 and the 署長 read the beat, but do not set its area.
    own_beat = reverse("liaison:beat_area_edit", kwargs={"pk": world.beat_a1_1.pk})
    for persona in ("beat_officer", "supervisor", "station_manager"):
        assert login(getattr(world, persona)).get(own_beat).status_code == 403
    with pytest.raises(PermissionDenied):
        areas.beat_areas_set(actor=world.station_manager, beat=world.beat_a1_2, text="笠原町")


def test_an_area_two_beats_would_share_is_refused(world, login, kannai):
    with pytest.raises(ValidationError) as refused:
        areas.beat_areas_set(actor=world.chief, beat=world.beat_a1_2, text="千波町")
    assert "山田駐在所 山田受持区の区域（千波町1丁目）と重なっています" in str(refused.value)
    response = login(world.chief).post(
        reverse("liaison:beat_area_edit", kwargs={"pk": world.beat_a1_2.pk}),
        {"areas": "千波町一丁目\n千波町1-2"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "重なっています" in html and "2行目「千波町1-2」" in html
    assert not BeatArea.objects.filter(beat=world.beat_a1_2).exists()


def test_cards_waiting_for_a_beat_follow_a_changed_area(world):
    card = staff_card(world, town="千波町", banchi="2-1-1")  # before any area was set
    assert card.proposed_book_id is None
    areas.beat_areas_set(actor=world.chief, beat=world.beat_a2_1, text="千波町一丁目\n千波町二丁目")
    assert LiaisonCard.objects.get(pk=card.pk).proposed_book_id == world.beat_a2_1.pk
