"""The network overview (issue 12 point 10, point 9's station list): one station's figures
as its people and HQ see them, the burden list, the station boundary, and a query count
that does not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent, Department
from accounts.utils import dates
from accounts.utils.names import search_key
from network.exchanges.models import Exchange, ExchangeOccasion
from network.meetings.models import SafetyMeeting
from network.members.models import (
    CommunityGroup,
    ConcurrentPost,
    FoundOccasion,
    GroupKind,
    GroupMembership,
    LiaisonMember,
    MemberPost,
)
from network.overview import selectors
from network.requests.models import DepartmentRequest

pytestmark = pytest.mark.django_db


def member(world, name: str, *, station=None, beats=(), municipality="水戸市", status="active"):
    station = station or world.station_a
    person = LiaisonMember.objects.create(
        station=station,
        status=status,
        name=name,
        name_kana="レンラク",
        search_key=search_key([name]),
        municipality=municipality,
        found_by=world.chief,
        found_on=timezone.localdate(),
        found_occasion=FoundOccasion.LIAISON_VISIT,
        consented_on=timezone.localdate() if status == "active" else None,
    )
    person.beats.set(beats)
    return person


def exchange(world, person, *, on=None, minutes=30, staff=None, department=None):
    return Exchange.objects.create(
        station=person.station,
        member=person,
        held_on=on or timezone.localdate(),
        staff=staff or world.beat_officer,
        department=department or Department.objects.filter(station=person.station).first(),
        occasion=ExchangeOccasion.LIAISON_VISIT,
        minutes=minutes,
        recorded_by=staff or world.beat_officer,
    )


def test_station_figures_count_what_happened(world):
    today = timezone.localdate()
    traffic = Department.objects.create(station=world.station_a, kind="traffic", name="交通課")
    first = member(world, "山田 一郎", beats=[world.beat_a1_1])
    second = member(world, "佐藤 花子", beats=[world.beat_a1_1], municipality="笠間市")
    member(world, "候補 三郎", status="candidate")
    group = CommunityGroup.objects.create(
        station=world.station_a,
        kind=GroupKind.NEIGHBOURHOOD,
        name="駅前自治会",
        municipality="水戸市",
    )
    GroupMembership.objects.create(member=first, group=group, post="会長")
    MemberPost.objects.create(member=first, kind=ConcurrentPost.GROUP_HEAD)
    x = exchange(world, first, minutes=40)
    exchange(world, second, minutes=20, department=traffic)
    DepartmentRequest.objects.create(
        station=world.station_a,
        department=traffic,
        exchange=x,
        text="通学路に横断歩道を",
        raised_on=today - dt.timedelta(days=20),
        due_on=today - dt.timedelta(days=6),
        raised_by=world.beat_officer,
    )
    meeting = SafetyMeeting.objects.create(
        station=world.station_a,
        held_on=today,
        place="駅前集会所",
        joined_to="駅前自治会定例会",
        agenda="防犯灯",
        recorded_by=world.chief,
    )
    meeting.members.set([first])

    o = selectors.station_overview(station=world.station_a, today=today, names=True)

    assert o.status_counts == {"active": 2, "candidate": 1}
    by_beat = {beat.name: n for beat, n in o.beats}
    assert by_beat == {"第1受持区": 2, "第2受持区": 0, "山田受持区": 0}
    assert o.beats_without_members == 2
    assert o.by_municipality == [("水戸市", 1), ("笠間市", 1)]
    assert o.by_group == [("駅前自治会", "自治会", 1)]
    assert o.by_post == [("自治会長・団体の長", 1)]
    assert o.exchanges_by_month[-1] == (dates.month_first(today), 2, 60)
    assert sum(n for _, n, _ in o.exchanges_by_month) == 2
    assert {name: n for name, n, _ in o.exchanges_by_department} == {"地域課": 1, "交通課": 1}
    officer = next(t for t in o.officer_time if t.officer == world.beat_officer)
    assert officer.minutes[-1] == 60
    assert o.requests_by_department == [("交通課", 1, 1)]
    assert (o.meetings, o.meetings_joined) == (1, 1)


def test_a_member_contacted_too_often_is_listed_by_name_for_the_station_only(
    world, client, login, settings
):
    settings.NETWORK_CONTACTS_PER_MONTH = 2
    busy = member(world, "多忙 太郎")
    calm = member(world, "平穏 次郎")
    for _ in range(3):
        exchange(world, busy)
    exchange(world, calm)

    login(world.chief)
    page = client.get(reverse("network:station_overview", args=[world.station_a.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "多忙 太郎" in text and "3回" in text
    assert "平穏 次郎" not in text
    assert AccessEvent.objects.filter(
        user=world.chief,
        action=AccessEvent.Action.LIST,
        object_type="network.roster",
        object_id=str(world.station_a.pk),
    ).exists()

    client.logout()
    login(world.overall_manager)
    page = client.get(reverse("network:station_overview", args=[world.station_a.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "多忙 太郎" not in text
    assert f"連絡員 No.{busy.pk}" in text


def test_another_station_is_not_found_and_hq_sees_every_station(world, client, login):
    member(world, "北 一郎", station=world.station_b)
    login(world.chief)
    assert (
        client.get(reverse("network:station_overview", args=[world.station_b.pk])).status_code
        == 404
    )
    # A station's people go straight to their own station.
    home = client.get(reverse("network:overview"))
    assert home.status_code == 302
    assert home["Location"] == reverse("network:station_overview", args=[world.station_a.pk])

    client.logout()
    login(world.regional_director)
    table = client.get(reverse("network:overview"))
    text = table.content.decode()
    assert table.status_code == 200
    assert "中央警察署" in text and "北警察署" in text
    assert "北 一郎" not in text


def test_hq_table_counts_per_station(world):
    member(world, "北 一郎", station=world.station_b, beats=[world.beat_b1_1])
    member(world, "中 一郎", beats=[world.beat_a1_1])
    member(world, "中 二郎", status="asked")
    rows = {
        r.station.code: r
        for r in selectors.hq_overview(
            stations=world.station_a.__class__.objects.all(), today=timezone.localdate()
        )
    }
    assert (rows["A01"].active, rows["A01"].candidates, rows["A01"].beats_without) == (1, 1, 2)
    assert (rows["B01"].active, rows["B01"].candidates, rows["B01"].beats_without) == (1, 0, 0)


def test_the_station_page_costs_the_same_queries_with_more_data(world, client, login):
    login(world.chief)
    url = reverse("network:station_overview", args=[world.station_a.pk])
    one = member(world, "一人目", beats=[world.beat_a1_1])
    exchange(world, one)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for index in range(15):
        person = member(world, f"追加 {index}", beats=[world.beat_a1_2])
        exchange(world, person, on=timezone.localdate() - dt.timedelta(days=40 * (index % 5)))
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_who_may_not_review_is_refused(world, client, login):
    login(world.auditor)
    assert client.get(reverse("network:overview")).status_code == 403
    assert (
        client.get(reverse("network:station_overview", args=[world.station_a.pk])).status_code
        == 404
    )


def test_the_burden_list_shows_each_member_once_the_busiest_first(world, monkeypatch, settings):
    settings.NETWORK_CONTACTS_PER_MONTH = 1
    monkeypatch.setattr(selectors, "BURDEN_ROWS", 1)
    today = timezone.localdate()
    busy = member(world, "多忙 太郎")
    busier = member(world, "最多 花子")
    last_month = dates.months_add(dates.month_first(today), -1)
    for on in (today, today, last_month, last_month):
        exchange(world, busy, on=on)
    for _ in range(3):
        exchange(world, busier, on=today)

    o = selectors.station_overview(station=world.station_a, today=today, names=True)

    assert o.burdened_total == 2
    [row] = o.burdened
    assert (row.name, row.contacts, row.months_over) == ("最多 花子", 3, 1)
