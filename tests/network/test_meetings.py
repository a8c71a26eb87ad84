"""地域安全の会 (seed 001 3⑶): the 地域課長等 and 署長 record one, on its own or joined to an
existing meeting; its requests reach the departments; the station's staff read it, another
station's is out of reach."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from network.meetings.models import SafetyMeeting
from network.requests.models import DepartmentRequest
from tests.html import field_error, text

from .matrix_exchanges import make_member
from .matrix_meetings import make_meeting

pytestmark = pytest.mark.django_db

CREATE = "/network/meetings/new/"
LIST = "/network/meetings/"


def meeting_data(**extra):
    data = {
        "held_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "place": "駅前公民館",
        "joined_to": "",
        "agenda": "年末年始の防犯",
        "minutes": "空き巣の手口を説明した",
        "requests-TOTAL_FORMS": "3",
        "requests-INITIAL_FORMS": "0",
        "requests-MIN_NUM_FORMS": "0",
        "requests-MAX_NUM_FORMS": "3",
    }
    data.update(extra)
    return data


def test_a_meeting_joined_to_an_existing_one_with_members_and_a_request(world, login):
    member = make_member(world.station_a, world.chief, "連絡 一郎", "レンラク イチロウ")
    traffic = Department.objects.create(
        station=world.station_a, kind=Department.Kind.TRAFFIC, name="交通課"
    )
    client = login(world.chief)
    response = client.post(
        CREATE,
        meeting_data(
            joined_to="駅前自治会定例会",
            members=[member.pk],
            staff=[world.chief.pk, world.beat_officer.pk],
            **{"requests-0-department": traffic.pk, "requests-0-text": "横断歩道の塗り直し"},
        ),
    )
    meeting = SafetyMeeting.objects.get()
    assert response.status_code == 302
    assert meeting.station == world.station_a
    assert meeting.joined_to == "駅前自治会定例会"
    assert list(meeting.members.all()) == [member]
    assert set(meeting.staff.all()) == {world.chief, world.beat_officer}
    request = DepartmentRequest.objects.get()
    assert (request.department, request.meeting, request.exchange) == (traffic, meeting, None)
    page = client.get(response["Location"])
    assert "既存の会合（駅前自治会定例会）に合わせて開催" in text(page)
    assert "横断歩道の塗り直し" in text(page)


def test_a_meeting_on_its_own(world, login):
    client = login(world.station_manager)
    response = client.post(CREATE, meeting_data())
    assert response.status_code == 302
    assert "単独開催" in text(client.get(response["Location"]))


def test_the_form_labels_the_joined_meeting(world, login):
    page = login(world.chief).get(CREATE)
    assert "既存の会合に合わせて開催" in text(page)


def test_a_future_date_and_a_missing_agenda_are_said_at_their_fields(world, login):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = login(world.chief).post(CREATE, meeting_data(held_on=tomorrow))
    assert "今日より後の日は入力できません" in field_error(response, name="held_on")
    response = login(world.chief).post(CREATE, meeting_data(agenda=""))
    assert "議題を入力してください" in field_error(response, name="agenda")
    assert not SafetyMeeting.objects.exists()


def test_a_member_of_another_station_cannot_attend(world, login):
    make_member(world.station_a, world.chief, "連絡 一郎", "レンラク イチロウ")
    other = make_member(world.station_b, world.other_officer, "北野 三郎", "キタノ サブロウ")
    response = login(world.chief).post(CREATE, meeting_data(members=[other.pk]))
    assert "一覧から選んでください" in field_error(response, name="members")
    assert not SafetyMeeting.objects.exists()


def test_a_beat_officer_reads_but_does_not_record(world, login):
    make_meeting(world.station_a, world.chief, place="山田集会所")
    client = login(world.beat_officer)
    assert client.get(CREATE).status_code == 403
    assert "山田集会所" in text(client.get(LIST))


def test_another_stations_meeting_is_not_found(world, login):
    meeting = make_meeting(world.station_b, world.other_officer)
    url = reverse("network:meeting_detail", kwargs={"pk": meeting.pk})
    assert login(world.chief).get(url).status_code == 404
    assert login(world.other_officer).get(url).status_code == 200


def test_the_list_filters_by_year_and_month_and_counts(world, login):
    today = timezone.localdate()
    make_meeting(world.station_a, world.chief, held_on=dt.date(today.year - 1, 6, 10))
    make_meeting(
        world.station_a, world.chief, held_on=dt.date(today.year - 1, 7, 1), joined_to="夏祭り"
    )
    make_meeting(world.station_a, world.chief, held_on=today)
    make_meeting(world.station_b, world.other_officer, held_on=today)
    client = login(world.supervisor)
    assert "開催：3件（うち既存の会合に合わせて開催：1件）" in text(client.get(LIST))
    last_year = client.get(f"{LIST}?year={today.year - 1}")
    assert "開催：2件（うち既存の会合に合わせて開催：1件）" in text(last_year)
    june = client.get(f"{LIST}?year={today.year - 1}&month=6")
    assert "開催：1件（うち既存の会合に合わせて開催：0件）" in text(june)
    assert "該当する地域安全の会はありません" in text(client.get(f"{LIST}?year=2001"))
