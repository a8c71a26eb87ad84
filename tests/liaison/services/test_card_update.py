"""card_update: 補正 of a filed card with its reason; the second of two editors is refused."""

import pytest
from django.core.exceptions import ValidationError

from accounts.exceptions import PermissionDenied, StaleEditError
from liaison.cards import history as selectors
from liaison.cards import services
from tests.liaison.conftest import MEMBERS

pytestmark = pytest.mark.django_db


def _members(card):
    return [
        {"id": m.pk, "name": m.name, "kana": m.kana, "relationship": m.relationship}
        for m in card.members.all()
    ]


def test_a_correction_needs_a_reason(world, household):
    with pytest.raises(ValidationError) as caught:
        services.card_update(
            actor=world.beat_officer, card=household, version=1, data={"phone": "029-000-0000"}
        )
    assert "補正の理由" in caught.value.message_dict["reason"][0]
    household.refresh_from_db()
    assert household.phone == "029-123-4567"
    assert household.version == 1


def test_a_correction_is_kept_in_the_history_with_who_and_why(world, household):
    card = services.card_update(
        actor=world.supervisor,
        card=household,
        version=1,
        data={"phone": "029-999-0000"},
        reason="電話番号の変更",
    )
    assert card.version == 2
    latest = selectors.card_history_list(card=card)[0]
    assert latest.who.startswith(world.supervisor.full_name)
    assert latest.reason == "電話番号の変更"
    assert [(c.label, c.old, c.new) for c in latest.changes] == [
        ("電話番号", "029-123-4567", "029-999-0000")
    ]


def test_members_added_changed_and_removed_are_each_in_the_history(world, household):
    members = _members(household)
    members[1]["name"] = "山田 はなこ"
    del members[2]
    members.append({"name": "山田 次郎", "kana": "やまだ じろう", "relationship": "child"})
    card = services.card_update(
        actor=world.beat_officer,
        card=household,
        version=1,
        data={},
        members=members,
        reason="転出・転入による世帯員の異動",
    )
    assert [m.name for m in card.members.all()] == ["山田 太郎", "山田 はなこ", "山田 次郎"]
    assert card.member_count == 3
    entries = [
        (e.subject, e.kind)
        for e in selectors.card_history_list(card=card)
        if e.reason == "転出・転入による世帯員の異動"
    ]
    assert ("世帯員 山田 一郎", "削除") in entries
    assert ("世帯員 山田 次郎", "作成") in entries
    assert ("世帯員 山田 はなこ", "変更") in entries


def test_the_second_of_two_editors_is_refused_and_told_what_changed(world, household):
    # Both opened version 1; the supervisor saves first.
    services.card_update(
        actor=world.supervisor,
        card=household,
        version=1,
        data={"phone": "029-999-0000"},
        members=[*_members(household), {"name": "山田 次郎", "kana": "ヤマダ ジロウ"}],
        reason="電話番号の変更",
    )
    with pytest.raises(StaleEditError) as caught:
        services.card_update(
            actor=world.beat_officer,
            card=household,
            version=1,
            data={"concerns": "夜間の騒音"},
            reason="要望の追記",
        )
    assert "他の職員が保存しました" in caught.value.message
    assert "電話番号" in caught.value.message
    assert "世帯員" in caught.value.message
    household.refresh_from_db()
    assert household.concerns == ""
    assert household.phone == "029-999-0000"
    assert household.version == 2


def test_a_station_manager_may_read_but_not_correct(world, household):
    with pytest.raises(PermissionDenied):
        services.card_update(
            actor=world.station_manager, card=household, version=1, data={}, reason="確認"
        )


def test_a_member_of_another_card_cannot_be_slipped_in(world, household):
    from tests.liaison.conftest import make_household

    other = make_household(world.beat_officer, world.beat_a1_1, members=[MEMBERS[0]])
    stranger = other.members.get()
    with pytest.raises(ValidationError):
        services.card_update(
            actor=world.beat_officer,
            card=household,
            version=1,
            data={},
            members=[{"id": stranger.pk, "name": "乗っ取り"}],
            reason="不正",
        )
    stranger.refresh_from_db()
    assert stranger.name == "山田 太郎"
