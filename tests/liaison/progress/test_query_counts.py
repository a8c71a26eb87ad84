"""The figure pages cost a fixed number of queries, whatever the number of cards, visits,
beats or officers: the same for the small data set and for one with more of each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Post
from liaison.planning import services
from tests.liaison.conftest import make_business, make_household

from .conftest import MADE_AT, TODAY, second_officer, visit

pytestmark = pytest.mark.django_db


def more_of_everything(world) -> None:
    """A new post with two beats and an officer on each, cards, visits, plans and
    dedicated days; more cards and visits in station B."""
    post = Post.objects.create(station=world.station_a, kind=Post.Kind.KOBAN, name="南口交番")
    for n in range(2):
        beat = accounts_services.beat_create(actor=None, post=post, name=f"南口第{n + 1}受持区")
        officer = second_officer(world, beat=beat, name=f"南口{n + 1} 職員")
        services.monthly_plan_set(
            actor=world.chief,
            station=world.station_a,
            officer=officer,
            month=TODAY,
            planned_households=10 + n,
            areas=f"南町{n + 1}丁目",
        )
        services.dedicated_day_set(
            actor=world.chief,
            station=world.station_a,
            officer=officer,
            date=dt.date(2026, 11, 2 + n),
        )
        for m in range(3):
            card = make_household(
                officer, beat, banchi=f"{n}-{m}", care_elderly_alone=m == 0, made_at=MADE_AT
            )
            visit(officer, card, dt.date(2026, 11, 2 + n), follow_up_department="safety")
            visit(officer, card, dt.date(2026, 9, 1 + m))
        make_business(officer, beat)
    for m in range(3):
        card = make_household(
            world.other_officer, world.beat_b1_1, banchi=f"9-{m}", made_at=MADE_AT
        )
        visit(world.other_officer, card, dt.date(2026, 11, 5))


# The page's own reads of 巡回連絡 tables: the due rule (station instructions, policy), card
# figures, the visit figures of beats and officers at once from the rollup, the month's
# plans (their households, areas and who set them: station_progress_get), the dedicated days
# and the trend (from the rollup too). Before the rollup: 9 (beats and officers read
# separately, and the plans twice).
STATION_LIAISON_QUERIES = 7
# The due rule (station instructions, policy), card and visit figures grouped by station
# (hq_progress_get; the visits from the rollup), the trend.
HQ_LIAISON_QUERIES = 5


def measure(client, url: str) -> tuple[int, int]:
    """(all queries, those on liaison_ tables) of one GET. The total includes the menu's
    permission questions, which other parts of the project add to: it is compared between
    data sets, not pinned."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sqls = [q["sql"] for q in queries.captured_queries]
    return len(sqls), sum(1 for sql in sqls if 'FROM "liaison_' in sql)


@pytest.mark.parametrize("persona", ["chief", "overall_manager"])
def test_station_page(world, login, figures, persona):
    client = login(getattr(world, persona))
    url = reverse("liaison:station_progress", kwargs={"pk": world.station_a.pk})
    client.get(url)  # the first request stamps the session's sign-in time
    small = measure(client, url)
    assert small[1] == STATION_LIAISON_QUERIES

    more_of_everything(world)
    client.get(url)  # new beats changed the role groups' grants: read again once
    assert measure(client, url) == small
    html = client.get(url).content.decode()
    assert "南口第2受持区" in html
    assert "南口2 職員" in html
    assert "南町2丁目" in html


def test_hq_page(world, login, figures):
    client = login(world.overall_manager)
    url = reverse("liaison:progress_home")
    client.get(url)
    small = measure(client, url)
    assert small[1] == HQ_LIAISON_QUERIES

    more_of_everything(world)
    client.get(url)  # new beats changed the role groups' grants: read again once
    assert measure(client, url) == small
    assert "北警察署" in client.get(url).content.decode()
