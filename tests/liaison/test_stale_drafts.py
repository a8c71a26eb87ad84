"""要領 第6-2(1)イ: a card made by other staff is submitted 「速やかに」. A draft older than
CARD_DRAFT_STALE_DAYS (7 by default) stands out to its maker (home panel, a badge in the
list) and to the 地域課長等 (who, how many, since when; never the draft itself)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from liaison.cards import services
from liaison.cards.models import CardKind
from tests.liaison.conftest import MEMBERS, make_household

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def clock():
    """Before `world`: the personas' appointments start relative to NOW."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def draft_made(world, clock, days_ago: int, *, town: str = "笠原町"):
    clock.move_to(NOW - dt.timedelta(days=days_ago))
    try:
        return services.card_create(
            actor=world.staff,
            kind=CardKind.HOUSEHOLD,
            station=world.station_a,
            data={"town": town, "banchi": "9-9"},
            members=[MEMBERS[0]],
            draft=True,
        )
    finally:
        clock.move_to(NOW)


def home(client) -> str:
    return client.get(reverse("accounts:home")).content.decode()


def test_a_week_old_draft_stands_out_to_its_maker(world, clock, login):
    draft_made(world, clock, days_ago=8)
    draft_made(world, clock, days_ago=2)
    client = login(world.staff)
    page = home(client)
    assert "提出していない下書き" in page
    assert "7日以上たった下書きのカードが<strong>1件</strong>" in page
    listing = client.get(reverse("liaison:submitted_list")).content.decode()
    assert listing.count("7日以上未提出") == 1
    only_stale = client.get(reverse("liaison:submitted_list") + "?state=stale")
    assert "1件" in only_stale.content.decode()


def test_a_fresh_draft_does_not(world, clock, login):
    draft_made(world, clock, days_ago=6)
    assert "提出していない下書き" not in home(login(world.staff))


def test_the_chief_sees_who_has_stale_drafts_but_not_the_drafts(world, clock, login):
    draft_made(world, clock, days_ago=9, town="秘密町")
    draft_made(world, clock, days_ago=8)
    make_household(world.beat_officer, world.beat_a1_1, draft=True)  # today's: not stale
    page = home(login(world.chief))
    assert "提出されていない下書き" in page
    panel = page[page.index("提出されていない下書き") :]
    assert "staff 職員" in panel and "2件" in panel
    assert "2026年11月21日" in panel  # the oldest, in Tokyo time
    assert "秘密町" not in page and "山田 太郎" not in page
    # The 署長 does not keep the queue; another station's officer sees nothing.
    assert "提出されていない下書き" not in home(login(world.station_manager))


def test_the_number_of_days_is_a_setting(world, clock, login, settings):
    settings.CARD_DRAFT_STALE_DAYS = 3
    draft_made(world, clock, days_ago=4)
    assert "3日以上たった下書きのカードが<strong>1件</strong>" in home(login(world.staff))
