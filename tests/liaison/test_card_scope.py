"""Who sees which cards (DESIGN.md's table): the selector is the only door."""

import pytest

from liaison.cards import selectors, services
from liaison.cards.models import CardKind
from liaison.cards.policy import card_actions
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def cards(world):
    return {
        "a1_1": make_household(world.beat_officer, world.beat_a1_1),
        "a1_2": make_household(world.supervisor, world.beat_a1_2),
        "a2_1": make_household(world.chief, world.beat_a2_1),
        "b1_1": make_household(world.other_officer, world.beat_b1_1),
        "draft": make_household(world.beat_officer, world.beat_a1_1, draft=True),
        "staff": services.card_create(
            actor=world.staff,
            kind=CardKind.BUSINESS,
            station=world.station_a,
            data={"town": "笠原町", "banchi": "5", "business_name": "窓口商店"},
        ),
    }


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("beat_officer", {"a1_1", "draft"}),
        ("supervisor", {"a1_1", "a1_2"}),
        ("chief", {"a1_1", "a1_2", "a2_1", "staff"}),
        ("station_manager", {"a1_1", "a1_2", "a2_1"}),
        ("overall_manager", {"a1_1", "a1_2", "a2_1", "b1_1"}),
        ("staff", {"staff"}),
        ("other_officer", {"b1_1"}),
        ("auditor", set()),
        ("alert_author", set()),
        ("no_role", set()),
    ],
)
def test_each_role_sees_its_scope(world, cards, persona, visible):
    ids = set(selectors.card_list(user=world.people[persona]).values_list("pk", flat=True))
    assert ids == {cards[name].pk for name in visible}


def test_the_overall_manager_reads_but_writes_nothing(world, cards):

    # Reading includes who else read the card (管理主任者 and above), nothing to change.
    assert card_actions(world.overall_manager, cards["b1_1"]) == {
        "view",
        "access_history",
    }


def test_a_drafts_creator_alone_sees_it(world, cards):

    assert "view" not in card_actions(world.supervisor, cards["draft"])
    assert {"view", "edit", "file"} <= card_actions(world.beat_officer, cards["draft"])
