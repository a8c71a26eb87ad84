"""閲覧・印刷・出力の記録 on the card page: 管理主任者 and above see who opened, printed or
exported the card (its book's and station's exports too), when, and for a break-the-glass
read why; beat officers and 取扱責任者 do not. A fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessEvent
from liaison.glass import services
from liaison.glass.models import BreakGlassPurpose
from tests.liaison.conftest import make_household
from tests.liaison.views import page
from tests.liaison.views.test_card_detail import QUERIES

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
HEADING = "閲覧・印刷・出力の記録"
CARD = "liaison.liaisoncard"
SUZUKI = {"name": "鈴木 一郎", "kana": "スズキ イチロウ", "relationship": "head"}


def url(card) -> str:
    return reverse("liaison:card_detail", kwargs={"pk": card.pk})


def at(hour: int, minute: int = 0, day: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=TOKYO)


def event(user, *, when, action="view", object_type=CARD, object_id, summary, **extra):
    return AccessEvent.objects.create(
        occurred_at=when,
        user=user,
        username=user.employee_number,
        role=extra.pop("role", "beat_officer"),
        action=action,
        outcome="success",
        object_type=object_type,
        object_id=str(object_id),
        summary=summary,
        **extra,
    )


def panel(text: str) -> str:
    match = re.search(
        r'<section[^>]*aria-labelledby="access-history-heading".*?</section>', text, re.S
    )
    return match.group(0) if match else ""


@pytest.fixture
def card(world):
    return make_household(world.beat_officer, world.beat_a1_1)


def test_the_chief_sees_who_read_printed_or_exported_the_card(world, login, card):
    other = make_household(world.beat_officer, world.beat_a1_1, members=[SUZUKI])
    event(
        world.supervisor, when=at(9), object_id=card.pk, summary="カードの閲覧", role="supervisor"
    )
    event(world.beat_officer, when=at(10), action="print", object_id=card.pk, summary="印刷")
    event(
        world.supervisor,
        when=at(11),
        action="export",
        object_type="liaison.liaisonbook",
        object_id=card.book_id,
        summary="巡回連絡簿の出力",
        role="supervisor",
    )
    event(
        world.station_manager,
        when=at(12),
        action="export",
        object_type="accounts.station",
        object_id=world.station_a.pk,
        summary="署の出力",
        role="station_manager",
    )
    # Not shown: a correction (a change, not a read), another card, the book's list page.
    event(world.beat_officer, when=at(13), action="update", object_id=card.pk, summary="補正")
    event(world.other_officer, when=at(14), object_id=other.pk, summary="別カード")
    event(
        world.supervisor,
        when=at(15),
        action="list",
        object_type="liaison.liaisonbook",
        object_id=card.book_id,
        summary="一覧",
    )
    text = panel(page(login(world.chief).get(url(card))))
    assert HEADING in text
    rows = re.findall(r"<tr>\s*<td class=\"nowrap\">(.*?)</tr>", text, re.S)
    # Newest first: the chief's own view of this page, then the four events above.
    assert len(rows) == 5
    assert world.chief.full_name in rows[0] and "閲覧" in rows[0]
    assert "2026年3月10日 12:00" in rows[1]
    assert world.station_manager.full_name in rows[1] and "管理責任者" in rows[1]
    assert "出力（警察署ごとの出力）" in rows[1]
    assert "出力（巡回連絡簿ごとの出力）" in rows[2] and "取扱責任者" in rows[2]
    assert "印刷" in rows[3] and world.beat_officer.full_name in rows[3]
    assert "2026年3月10日 09:00" in rows[4] and world.supervisor.full_name in rows[4]
    assert "補正" not in text and "別カード" not in text and "一覧" not in text
    assert not re.search(r"<td>更新", text)


@pytest.mark.parametrize("persona", ["chief", "station_manager", "overall_manager"])
def test_card_managers_see_the_panel(world, login, card, persona):
    assert HEADING in page(login(getattr(world, persona)).get(url(card)))


@pytest.mark.parametrize("persona", ["beat_officer", "supervisor"])
def test_beat_officers_and_supervisors_do_not(world, login, card, persona):
    response = login(getattr(world, persona)).get(url(card))
    assert response.status_code == 200
    assert HEADING not in page(response)


def test_a_break_the_glass_read_shows_its_purpose_and_reason(world, login, card):
    with time_machine.travel(at(10), tick=False):
        services.break_glass_open(
            actor=world.staff,
            card=card,
            purpose=BreakGlassPurpose.MISSING_PERSON,
            reason="高齢者の行方不明事案の照会のため",
        )
    with time_machine.travel(at(10, 5), tick=False):
        login(world.staff).get(url(card))
    with time_machine.travel(at(14), tick=False):
        services.break_glass_open(
            actor=world.staff,
            card=card,
            purpose=BreakGlassPurpose.DISASTER,
            reason="大雨による避難所での安否確認のため",
        )
    # A flagged read with no grant around it (none should exist; the panel says so).
    event(
        world.staff,
        when=at(18),
        object_id=card.pk,
        summary="カードの閲覧",
        break_glass=True,
        role="staff",
    )
    text = panel(page(login(world.chief).get(url(card))))
    rows = re.findall(r"<tr>\s*<td class=\"nowrap\">(.*?)</tr>", text, re.S)
    by_time = {re.search(r"\d+:\d\d", r).group(0): r for r in rows}
    assert "（理由の記録が見つかりません）" in by_time["18:00"]
    assert "災害時の安否確認：大雨による避難所での安否確認のため" in by_time["14:00"]
    for moment in ("10:00", "10:05"):
        assert (
            "迷子・行方不明者（高齢者等）の保護：高齢者の行方不明事案の照会のため"
            in (by_time[moment])
        )
        assert "緊急閲覧" in by_time[moment]
        assert world.staff.full_name in by_time[moment] and "警察職員" in by_time[moment]


def test_only_the_latest_twenty(world, login, card):
    for index in range(30):
        event(
            world.supervisor,
            when=at(8) + dt.timedelta(minutes=index),
            object_id=card.pk,
            summary="閲覧",
        )
    text = panel(page(login(world.chief).get(url(card))))
    rows = re.findall(r"<tr>\s*<td class=\"nowrap\">", text)
    assert len(rows) == 20
    assert "最新20件" in text


def test_the_newest_twenty_of_the_card_its_book_and_its_station_merged(world, login, card):
    """Each source is read newest first with a limit, then merged: the panel is the twenty
    newest of all three, whatever the number of exports of the book or the station."""
    kinds = {0: "閲覧", 1: "出力（巡回連絡簿ごとの出力）", 2: "出力（警察署ごとの出力）"}
    for index in range(30):
        when = at(8) + dt.timedelta(minutes=3 * index)
        event(world.supervisor, when=when, object_id=card.pk, summary="閲覧")
        event(
            world.supervisor,
            when=when + dt.timedelta(minutes=1),
            action="export",
            object_type="liaison.liaisonbook",
            object_id=card.book_id,
            summary="簿の出力",
        )
        event(
            world.station_manager,
            when=when + dt.timedelta(minutes=2),
            action="export",
            object_type="accounts.station",
            object_id=world.station_a.pk,
            summary="署の出力",
        )
    # Another book's exports and this book's list pages are never part of the panel.
    for index in range(30):
        when = at(6) + dt.timedelta(minutes=index)
        for action, object_id in (("export", world.beat_a1_2.pk), ("list", card.book_id)):
            event(
                world.supervisor,
                when=when,
                action=action,
                object_type="liaison.liaisonbook",
                object_id=object_id,
                summary="対象外",
            )
    chief = login(world.chief)
    chief.get(url(card))  # the chief's own views are the newest rows from now on
    with CaptureQueriesContext(connection) as queries:
        text = panel(page(chief.get(url(card))))
    rows = re.findall(r"<tr>\s*<td class=\"nowrap\">(.*?)</tr>", text, re.S)
    assert len(rows) == 20
    # After the chief's two views: 09:29 (the station's export), 09:28 (the book's), …
    for offset, row in enumerate(rows[2:]):
        minute = 89 - offset  # minutes after 08:00
        assert f"2026年3月10日 {8 + minute // 60:02d}:{minute % 60:02d}" in row
        assert f"<td>{kinds[minute % 3]}" in row
    assert len(queries) == CHIEF_QUERIES - 1
    if connection.vendor == "postgresql":
        # Bounded whatever the log holds: each source its own index range with a LIMIT (an OR
        # of them would gather every export of the book and sort them all). SQLite: one OR.
        (sql,) = [q["sql"] for q in queries if "UNION ALL" in q["sql"]]
        assert sql.count("LIMIT 21") == 4


def _queries(client, card) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(card)).status_code == 200
    return len(queries)


def test_the_panel_costs_the_same_queries_for_one_row_or_twenty(world, login):
    quiet = make_household(world.beat_officer, world.beat_a1_1)
    busy = make_household(world.beat_officer, world.beat_a1_1, members=[SUZUKI])
    with time_machine.travel(at(10), tick=False):
        services.break_glass_open(
            actor=world.staff,
            card=busy,
            purpose=BreakGlassPurpose.INQUIRY,
            reason="生活安全課からの照会に回答するため",
        )
    for index in range(25):
        event(
            world.supervisor,
            when=at(11) + dt.timedelta(minutes=index),
            object_id=busy.pk,
            summary="閲覧",
            break_glass=index % 5 == 0,
        )
    chief = login(world.chief)
    _queries(chief, quiet)  # warm the session as a second page view would
    # A card with no flagged read needs no break-the-glass lookup: one query fewer.
    assert _queries(chief, quiet) == CHIEF_QUERIES - 1
    assert _queries(chief, busy) == CHIEF_QUERIES
    officer = login(world.beat_officer)
    _queries(officer, quiet)
    # The beat officer's page is what it was before the panel (test_card_detail's pin).
    assert _queries(officer, busy) == QUERIES


# The beat officer's page (test_card_detail.QUERIES, 11) plus the events with their users (1)
# and, when a read among them was flagged, the break-the-glass grants (1).
CHIEF_QUERIES = 13
