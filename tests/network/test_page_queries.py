"""Issue 12, `make bench`: the roster, a member's page and the station overview cost the
same number of queries over a small network and one ten times larger, both made by the
bench's own generator (bench/generate_network.py), so that the figures the bench reports
for 5,000 members and 100,000 exchanges hold whatever the size."""

from __future__ import annotations

import random
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.generate_network import measured_member, place_ensure
from bench.network_rows import populate
from network.exchanges.models import Exchange
from network.meetings.models import SafetyMeeting
from network.members.models import (
    CommunityGroup,
    ConcurrentPost,
    GroupMembership,
    LiaisonMember,
    MemberPost,
    MemberStep,
)

pytestmark = pytest.mark.django_db


def _query_counts(client, urls: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in urls.items():
        client.get(url)  # the first request of a session reads and writes more of it
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(captured.captured_queries)
    return counts


def _grow(member: LiaisonMember) -> None:
    """The measured member's own rows grow too: exchanges, groups, posts, beats, steps and
    meetings attended."""
    station = member.station
    others = Exchange.objects.filter(station=station).exclude(member=member)
    Exchange.objects.filter(pk__in=list(others.values_list("pk", flat=True)[:300])).update(
        member=member
    )
    joined = set(member.memberships.values_list("group_id", flat=True))
    GroupMembership.objects.bulk_create(
        GroupMembership(member=member, group=group, post="役員")
        for group in CommunityGroup.objects.filter(station=station).exclude(pk__in=joined)
    )
    MemberPost.objects.bulk_create(
        [MemberPost(member=member, kind=kind) for kind in ConcurrentPost.values],
        ignore_conflicts=True,
    )
    member.beats.add(*station.posts.values_list("beats", flat=True))
    steps = MemberStep.objects.filter(member__station=station).exclude(member=member)
    MemberStep.objects.filter(pk__in=list(steps.values_list("pk", flat=True)[:20])).update(
        member=member
    )
    for meeting in SafetyMeeting.objects.filter(station=station):
        meeting.members.add(member)


def test_the_network_pages_cost_the_same_queries_with_ten_times_the_data(world, login):
    client = login(world.chief)
    place = place_ensure(world.station_a, city="水戸市", index=1)
    populate([place], members=[8], exchanges=80, rng=random.Random(1), heavy=20)
    member = measured_member(world.station_a)
    assert member is not None
    roster = reverse("network:member_list")
    urls = {
        "roster": roster,
        "roster_all_states": f"{roster}?{urlencode({'status': 'all'})}",
        "roster_search": f"{roster}?{urlencode({'q': '田'})}",
        "member_page": reverse("network:member_detail", kwargs={"pk": member.pk}),
        "station_overview": reverse("network:station_overview", kwargs={"pk": world.station_a.pk}),
    }
    small = _query_counts(client, urls)

    populate([place], members=[80], exchanges=1_600, rng=random.Random(2))
    _grow(member)
    large = _query_counts(client, urls)

    assert LiaisonMember.objects.filter(station=world.station_a).count() == 88
    assert member.exchanges.count() > 300
    assert large == small
