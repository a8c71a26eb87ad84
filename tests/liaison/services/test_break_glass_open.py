"""緊急閲覧: purpose and reason, time-limited, flagged, the 取扱責任者 told; same station only."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from accounts.exceptions import OutOfScope, PermissionDenied
from accounts.models import AccessEvent, Notice
from liaison.cards import selectors as cards_selectors
from liaison.cards.policy import card_actions
from liaison.glass import selectors as glass_selectors
from liaison.glass import services
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db

REASON = "迷子の高齢者を保護、住所の確認のため"


@pytest.fixture
def card_a1_2(world):
    return make_household(world.supervisor, world.beat_a1_2)


def test_an_officer_of_the_station_opens_a_card_outside_his_beat(world, card_a1_2):
    with pytest.raises(OutOfScope):
        cards_selectors.card_get(user=world.beat_officer, pk=card_a1_2.pk)
    access = services.break_glass_open(
        actor=world.beat_officer, card=card_a1_2, purpose="missing_person", reason=REASON
    )
    assert cards_selectors.card_get(user=world.beat_officer, pk=card_a1_2.pk) == card_a1_2
    assert glass_selectors.break_glass_active_get(user=world.beat_officer, card=card_a1_2) == access
    event = AccessEvent.objects.get(user=world.beat_officer, break_glass=True)
    assert event.object_id == str(card_a1_2.pk)
    notice = Notice.objects.get(recipient=world.supervisor)
    assert notice.url == f"/liaison/cards/{card_a1_2.pk}/"
    assert "山田" not in notice.title


@override_settings(BREAK_GLASS_MINUTES=5)
def test_the_access_ends_after_the_configured_time(world, card_a1_2):
    access = services.break_glass_open(
        actor=world.staff, card=card_a1_2, purpose="inquiry", reason=REASON
    )
    assert access.expires_at - access.granted_at == dt.timedelta(minutes=5)
    access.expires_at = timezone.now() - dt.timedelta(seconds=1)
    access.save()
    with pytest.raises(OutOfScope):
        cards_selectors.card_get(user=world.staff, pk=card_a1_2.pk)


def test_nobody_reaches_another_stations_cards_that_way(world, card_a1_2):
    with pytest.raises(PermissionDenied):
        services.break_glass_open(
            actor=world.other_officer, card=card_a1_2, purpose="disaster", reason=REASON
        )
    for persona in ("auditor", "overall_manager", "no_role", "alert_author"):
        with pytest.raises(PermissionDenied):
            services.break_glass_open(
                actor=world.people[persona], card=card_a1_2, purpose="disaster", reason=REASON
            )


def test_a_purpose_and_a_real_reason_are_required(world, card_a1_2):
    with pytest.raises(ValidationError) as caught:
        services.break_glass_open(
            actor=world.beat_officer, card=card_a1_2, purpose="missing_person", reason="確認"
        )
    assert "理由" in caught.value.message_dict["reason"][0]
    with pytest.raises(ValidationError):
        services.break_glass_open(
            actor=world.beat_officer, card=card_a1_2, purpose="curiosity", reason=REASON
        )
    assert not AccessEvent.objects.filter(break_glass=True).exists()


def test_break_glass_gives_sight_only(world, card_a1_2):

    services.break_glass_open(
        actor=world.beat_officer, card=card_a1_2, purpose="inquiry", reason=REASON
    )
    assert card_actions(world.beat_officer, card_a1_2) == {"break_glass"}
