"""The way from candidate to member (seed 001 2⑶, 4⑵): every step, every refusal, the
duplicates with variant kanji, and the stale edit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.exceptions import PermissionDenied, StaleEditError, TransitionError
from network.members import selectors, services
from network.members.models import (
    CommunityGroup,
    FoundOccasion,
    GroupKind,
    LiaisonMember,
    MemberStatus,
    StepKind,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def report(world, *, actor=None, station=None, **values) -> LiaisonMember:
    data = {
        "name": "高橋 一郎",
        "name_kana": "たかはし いちろう",
        "phone": "090-1111-2222",
        "address": "中央町1丁目2番3号",
        "found_on": TODAY() - dt.timedelta(days=10),
        "found_occasion": FoundOccasion.CAMPAIGN,
    }
    data.update(values)
    return services.member_report(
        actor=actor or world.staff, station=station or world.station_a, **data
    )


def test_any_department_reports_a_candidate_with_who_found_him(world):
    member = report(world)
    assert member.status == MemberStatus.CANDIDATE
    assert member.found_by == world.staff
    assert member.name_kana == "タカハシ イチロウ"  # kana folded to katakana
    assert member.phone_digits == "09011112222"
    assert [s.kind for s in member.steps.all()] == [StepKind.REPORTED]


def test_another_station_may_not_report_here(world):
    with pytest.raises(PermissionDenied):
        report(world, actor=world.other_officer)
    assert not LiaisonMember.objects.exists()


def test_a_found_date_in_the_future_is_refused_at_its_field(world):
    with pytest.raises(ValidationError) as caught:
        report(world, found_on=TODAY() + dt.timedelta(days=1))
    assert "found_on" in caught.value.message_dict


@pytest.mark.parametrize(
    ("name", "kana", "phone", "address"),
    [
        ("髙橋 一郎", "", "", ""),  # variant kanji: 髙 = 高
        ("別人 花子", "タカハシイチロウ", "", ""),  # the same フリガナ, half a space apart
        ("別人 花子", "ベツジン", "０９０（１１１１）２２２２", ""),  # full-width phone
        ("別人 花子", "ベツジン", "", "中央町1-2-3"),  # 丁目番号 as hyphens
    ],
)
def test_a_likely_duplicate_stops_the_report_until_confirmed(world, name, kana, phone, address):
    first = report(world)
    found = selectors.member_likely_duplicates(
        user=world.staff,
        station=world.station_a,
        name=name,
        name_kana=kana,
        phone=phone,
        address=address,
    )
    assert found == [first]
    values = {"name": name, "name_kana": kana or "ベツジン", "phone": phone, "address": address}
    with pytest.raises(ValidationError) as caught:
        report(world, **values)
    assert "confirm_distinct" in caught.value.message_dict
    second = report(world, confirm_distinct=True, **values)
    assert LiaisonMember.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


def test_tsuchiyoshi_is_the_same_yoshida(world):
    first = report(world, name="𠮷田 二郎", name_kana="ヨシダ ジロウ", phone="", address="")
    found = selectors.member_likely_duplicates(
        user=world.chief, station=world.station_a, name="吉田二郎"
    )
    assert found == [first]


def test_another_stations_member_is_no_duplicate_and_not_shown(world):
    report(world, actor=world.other_officer, station=world.station_b)
    assert (
        selectors.member_likely_duplicates(
            user=world.staff, station=world.station_a, name="高橋 一郎"
        )
        == []
    )


def test_ask_consent_withdraw(world):
    member = report(world)
    member = services.member_ask(actor=world.chief, member=member, reason="自治会長として適任")
    assert member.status == MemberStatus.ASKED
    member = services.member_consent(actor=world.chief, member=member, consented_on=TODAY())
    assert member.status == MemberStatus.ACTIVE
    assert member.consented_on == TODAY()
    member = services.member_withdraw(actor=world.supervisor, member=member, withdrawn_on=TODAY())
    assert member.status == MemberStatus.WITHDRAWN
    kinds = list(member.steps.values_list("kind", flat=True))
    assert kinds == [StepKind.REPORTED, StepKind.ASKED, StepKind.CONSENTED, StepKind.WITHDREW]


def test_consent_needs_a_date_not_in_the_future(world):
    member = services.member_ask(actor=world.chief, member=report(world))
    with pytest.raises(ValidationError) as caught:
        services.member_consent(actor=world.chief, member=member, consented_on=None)
    assert caught.value.message_dict["consented_on"] == ["承諾日を入力してください。"]
    with pytest.raises(ValidationError) as caught:
        services.member_consent(
            actor=world.chief, member=member, consented_on=TODAY() + dt.timedelta(days=1)
        )
    assert "consented_on" in caught.value.message_dict
    member.refresh_from_db()
    assert member.status == MemberStatus.ASKED


def test_withdraw_needs_a_date_and_an_active_member(world):
    member = report(world)
    with pytest.raises(TransitionError):
        services.member_withdraw(actor=world.chief, member=member, withdrawn_on=TODAY())
    member = services.member_consent(actor=world.chief, member=member, consented_on=TODAY())
    with pytest.raises(ValidationError) as caught:
        services.member_withdraw(actor=world.chief, member=member, withdrawn_on=None)
    assert "withdrawn_on" in caught.value.message_dict


def test_staff_of_other_departments_may_not_keep_the_roster(world):
    member = report(world)
    with pytest.raises(PermissionDenied):
        services.member_ask(actor=world.staff, member=member)
    with pytest.raises(PermissionDenied):
        services.member_ask(actor=world.station_manager, member=member)


@pytest.mark.parametrize("said_no", ["decline", "withdraw"])
def test_re_ask_needs_a_new_reason(world, said_no):
    member = services.member_ask(actor=world.chief, member=report(world), reason="防犯活動に熱心")
    if said_no == "decline":
        member = services.member_decline(actor=world.chief, member=member, reason="多忙")
    else:
        member = services.member_consent(actor=world.chief, member=member, consented_on=TODAY())
        member = services.member_withdraw(actor=world.chief, member=member, withdrawn_on=TODAY())
    for reason in ("", "防犯活動に熱心", " 防犯活動に熱心 "):
        with pytest.raises(ValidationError) as caught:
            services.member_ask(actor=world.chief, member=member, reason=reason)
        message = caught.value.message_dict["reason"][0]
        assert "新しい理由" in message or "前回と異なる" in message
    member.refresh_from_db()
    assert member.status in (MemberStatus.DECLINED, MemberStatus.WITHDRAWN)
    member = services.member_ask(
        actor=world.chief, member=member, reason="本人から協力したいと申出があった"
    )
    assert member.status == MemberStatus.ASKED
    assert member.steps.filter(kind=StepKind.ASKED).count() == 2


def test_a_stale_edit_is_refused(world):
    member = report(world)
    opened = member.version
    services.member_update(
        actor=world.chief, member=member, version=opened, name="高橋 一郎", name_kana="タカハシ"
    )
    with pytest.raises(StaleEditError):
        services.member_update(
            actor=world.supervisor,
            member=member,
            version=opened,
            name="高橋 二郎",
            name_kana="タカハシ",
        )
    member.refresh_from_db()
    assert member.name == "高橋 一郎"


def test_groups_posts_and_beats_stay_in_the_station(world):
    group_b = CommunityGroup.objects.create(
        station=world.station_b, kind=GroupKind.NEIGHBOURHOOD, name="北町内会", municipality="北市"
    )
    with pytest.raises(ValidationError):
        report(world, groups=[(group_b, "会長")])
    with pytest.raises(ValidationError):
        report(world, beats=[world.beat_b1_1])
    group = services.group_create(
        actor=world.chief,
        station=world.station_a,
        kind=GroupKind.NEIGHBOURHOOD,
        name="中央自治会",
        municipality="中央市",
    )
    member = report(world, groups=[(group, "会長")], posts=["group_head"], beats=[world.beat_a1_1])
    assert [(m.group.name, m.post) for m in member.memberships.all()] == [("中央自治会", "会長")]
    assert list(member.beats.all()) == [world.beat_a1_1]


def test_only_keepers_register_groups(world):
    with pytest.raises(PermissionDenied):
        services.group_create(
            actor=world.staff,
            station=world.station_a,
            kind=GroupKind.SCHOOL,
            name="中央小学校",
            municipality="中央市",
        )
