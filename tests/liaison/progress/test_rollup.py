"""The progress rollup (liaison.visits.tally) stays equal to the raw count of the visits
through every path that writes one, and `progress_rollup_rebuild` restores it when
something went around them. The data set: conftest.figures (beat A1-1, November 2026)."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from accounts.utils import dates
from liaison.filing import services as filing_services
from liaison.planning import services as planning_services
from liaison.planning.models import DedicatedDay
from liaison.visits import services as visits_services
from liaison.visits.models import Visit, VisitTally
from liaison.visits.tally import COUNTS
from tests.liaison.conftest import book_of

from .conftest import visit
from .helpers import row_cells

pytestmark = pytest.mark.django_db

NOVEMBER = dt.date(2026, 11, 1)


def raw_counts() -> dict[tuple, tuple[int, ...]]:
    """What the rollup must hold, counted visit by visit in Python (independent of the
    rollup's own SQL): (station, book, officer, Tokyo month) → the five counts."""
    counts: dict[tuple, Counter] = {}
    for v in Visit.objects.all():
        month = dates.local_date(v.started_at).replace(day=1)
        row = counts.setdefault((v.station_id, v.book_id, v.officer_id, month), Counter())
        raised = bool(v.follow_up_department)
        row.update(
            visits=1,
            night_visits=v.night_request_id is not None,
            dedicated_visits=v.on_dedicated_day,
            follow_ups_raised=raised,
            follow_ups_open=raised and v.follow_up_done_at is None,
        )
    return {key: tuple(row[name] for name in COUNTS) for key, row in counts.items()}


def rollup() -> dict[tuple, tuple[int, ...]]:
    """The rollup's rows, rows of zeros (left by a subtraction) left out."""
    rows = VisitTally.objects.values_list("station_id", "book_id", "officer_id", "month", *COUNTS)
    return {tuple(r[:4]): tuple(r[4:]) for r in rows if any(r[4:])}


def assert_rollup_is_raw() -> None:
    expected = raw_counts()
    assert expected, "the data set has visits"
    assert rollup() == expected


def beat_row(login, world, month: str | None = None) -> dict[str, list[str]]:
    """The station page's rows of beats A1-1 and A1-2, as the 地域課長 reads them."""
    url = reverse("liaison:station_progress", kwargs={"pk": world.station_a.pk})
    html = login(world.chief).get(f"{url}?month={month}" if month else url).content.decode()
    return {name: row_cells(html, name) for name in ("第1受持区", "第2受持区", "合計")}


def check() -> str:
    """--check's verdict: the differences it names, or '' when none."""
    out = io.StringIO()
    try:
        call_command("progress_rollup_rebuild", "--check", stdout=out)
    except CommandError as error:
        return f"{out.getvalue()}{error}"
    assert "一致しています" in out.getvalue()
    return ""


def rebuild(*args: str) -> str:
    out = io.StringIO()
    call_command("progress_rollup_rebuild", *args, stdout=out)
    return out.getvalue()


def test_visits_recorded_through_the_services_are_counted(world, figures):
    assert_rollup_is_raw()
    a11 = (world.station_a.pk, world.beat_a1_1.pk, world.beat_officer.pk, NOVEMBER)
    # 3 visits (one at night with approval, one on the 専従日), one follow-up still open.
    assert rollup()[a11] == (3, 1, 1, 1, 1)
    assert check() == ""


def test_a_follow_up_done_leaves_the_open_count(world, login, figures):
    before = beat_row(login, world)["第1受持区"]
    assert before[-1] == "1"  # follow-ups open
    visits_services.visit_follow_up_done(actor=world.beat_officer, visit=figures.plain_visit)
    assert_rollup_is_raw()
    after = beat_row(login, world)["第1受持区"]
    assert after[-1] == "0"
    assert after[:-1] == before[:-1]


def test_a_card_moved_to_another_beat_takes_its_visits_along(world, login, figures):
    before = beat_row(login, world)
    filing_services.card_move(
        actor=world.supervisor,
        card=figures.plain,
        book=book_of(world.beat_a1_2),
        reason="受持区の境界変更",
    )
    assert_rollup_is_raw()
    after = beat_row(login, world)
    # visits, night, dedicated, follow-ups open: the plain card's November visit (on the
    # 専従日, its follow-up open) leaves A1-1 for A1-2; the station's total is the same.
    assert before["第1受持区"][-4:] == ["3", "1", "1", "1"]
    assert after["第1受持区"][-4:] == ["2", "1", "0", "0"]
    assert after["第2受持区"][-4:] == ["1", "0", "1", "1"]
    assert after["合計"][-4:] == before["合計"][-4:]


def test_a_dedicated_day_set_after_the_visits_and_removed(world, login, figures):
    planning_services.dedicated_day_set(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        date=dt.date(2026, 11, 11),  # the absence
    )
    assert_rollup_is_raw()
    assert beat_row(login, world)["第1受持区"][-2] == "2"
    for day in DedicatedDay.objects.filter(officer=world.beat_officer):
        planning_services.dedicated_day_remove(actor=world.chief, day=day)
    assert_rollup_is_raw()
    assert beat_row(login, world)["第1受持区"][-2] == "0"


def test_more_visits_and_months_add_up(world, login, figures):
    visit(world.beat_officer, figures.never, dt.date(2026, 11, 18), follow_up_department="safety")
    visit(world.beat_officer, figures.never, dt.date(2026, 10, 31), hh=16)
    assert_rollup_is_raw()
    assert beat_row(login, world)["合計"][-4:] == ["4", "1", "1", "2"]
    assert beat_row(login, world, "2026-10")["合計"][-4:] == ["2", "0", "0", "2"]


def test_a_visit_removed_in_the_database_is_found_and_rebuilt(world, login, figures):
    """No service removes a visit (a card is closed, never deleted); one removed by hand
    leaves the rollup behind until the rebuild, which --check says."""
    before = beat_row(login, world)["第1受持区"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM liaison_visit WHERE id = %s", [figures.plain_visit.pk])
    differences = check()
    assert "差異が 1 件" in differences
    assert "2026年11月" in differences
    assert "巡回連絡 3（正しくは 2）" in differences

    rebuild()
    assert_rollup_is_raw()
    assert check() == ""
    after = beat_row(login, world)["第1受持区"]
    # One visit fewer, no longer on the 専従日, and its open follow-up gone.
    assert after[-4:] == ["2", "1", "0", "0"]
    assert after[:6] == before[:6]  # the cards' figures do not come from visits


def test_the_rebuild_restores_a_damaged_rollup(world, login, figures):
    before = beat_row(login, world)
    good = rollup()
    VisitTally.objects.filter(book_id=world.beat_a1_1.pk, month=NOVEMBER).update(visits=99)
    VisitTally.objects.filter(month=dt.date(2026, 10, 1)).delete()
    VisitTally.objects.create(
        station=world.station_a,
        book_id=world.beat_a1_2.pk,
        officer=world.chief,
        month=NOVEMBER,
        visits=5,
    )
    assert beat_row(login, world)["第1受持区"][-4] == "99"
    assert "差異が 3 件" in check()

    assert "進捗の集計を作り直しました（全署" in rebuild()
    assert rollup() == good
    assert beat_row(login, world) == before
    # Idempotent: again, the same rows.
    rebuild()
    assert rollup() == good
    assert check() == ""


def test_one_station_is_rebuilt_alone(world, figures):
    VisitTally.objects.update(visits=0)
    assert f"（{world.station_a.name}、" in rebuild("--station", world.station_a.code)
    assert check() != ""  # station B is still wrong
    rebuild("--station", world.station_a.code, "--check")
    with pytest.raises(CommandError, match="差異が 1 件"):
        call_command("progress_rollup_rebuild", "--station", world.station_b.code, "--check")
    with pytest.raises(CommandError, match="署コード「ZZZ」の警察署はありません"):
        call_command("progress_rollup_rebuild", "--station", "ZZZ")


def test_the_trend_and_hq_figures_read_the_rollup(world, login, figures):
    """The 12-month trend and HQ's table also come from the rollup: damaged, they show it;
    rebuilt, the visits' own figures again."""
    url = reverse("liaison:station_progress", kwargs={"pk": world.station_a.pk})
    client = login(world.chief)
    trend = row_cells(client.get(url).content.decode(), "2026年10月")
    assert trend == ["1件", "0件"]
    VisitTally.objects.filter(month=dt.date(2026, 10, 1)).update(visits=7)
    assert row_cells(client.get(url).content.decode(), "2026年10月") == ["7件", "0件"]
    rebuild()
    assert row_cells(client.get(url).content.decode(), "2026年10月") == trend
