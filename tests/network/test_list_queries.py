"""The network's lists cost the same number of queries for two rows as for twenty: no row
reads its member, officer, department or beats on its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from network.bulletins.models import Bulletin, BulletinKind
from network.meetings.models import SafetyMeeting
from tests.network.test_overview import exchange, member

pytestmark = pytest.mark.django_db


def _add(world, count: int, start: int) -> None:
    today = timezone.localdate()
    for index in range(start, start + count):
        person = member(world, f"一覧 {index}", beats=[world.beat_a1_1])
        exchange(world, person, on=today - dt.timedelta(days=index % 3))
        meeting = SafetyMeeting.objects.create(
            station=world.station_a,
            held_on=today,
            place=f"集会所{index}",
            agenda="防犯",
            recorded_by=world.chief,
        )
        meeting.members.set([person])
        bulletin = Bulletin.objects.create(
            station=world.station_a,
            publisher_name="駅前交番",
            kind=BulletinKind.POST_NEWS,
            title=f"交番速報 {index}",
            body="自転車盗に注意",
            valid_from=today,
            valid_until=today + dt.timedelta(days=10),
            published_by=world.supervisor,
        )
        bulletin.beats.set([world.beat_a1_1, world.beat_a1_2])


@pytest.mark.parametrize(
    "url_name", ["network:exchange_list", "network:meeting_list", "network:bulletin_list"]
)
def test_a_list_does_not_grow_in_queries_with_its_rows(world, login, url_name):
    Department.objects.get_or_create(station=world.station_a, kind="traffic", name="交通課")
    client = login(world.chief)
    url = reverse(url_name)
    _add(world, 2, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _add(world, 18, 2)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert page.status_code == 200
    assert (
        "一覧 19" in page.content.decode()
        or "集会所19" in page.content.decode()
        or ("交番速報 19" in page.content.decode())
    )
    assert len(large.captured_queries) == len(small.captured_queries)
