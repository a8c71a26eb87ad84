"""The monthly audit report: counts only, for HQ auditors and the 統括管理責任者."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.audit.case_selectors import audit_report_get
from accounts.models import AccessEvent, AccessLogCheck, AnomalyCase
from tests.accounts.audit.anomaly_support import case, event

pytestmark = pytest.mark.django_db

REPORT = reverse("accounts:audit_report")
NOW = dt.datetime(2026, 6, 20, 3, 0, tzinfo=dt.UTC)  # 12:00 in Tokyo
JUNE = dt.date(2026, 6, 1)


def tokyo(y, m, d, hh=10, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@pytest.fixture
def june(world):
    """Events of June 2026 (Tokyo) in two stations, one of May 31 23:59 and one of July 1
    00:00 (neither counts), and cases found for June days."""
    a, b = world.station_a, world.station_b
    event(world.beat_officer, tokyo(2026, 6, 1, 0, 0), station=a)
    event(world.beat_officer, tokyo(2026, 6, 2), station=a, action=AccessEvent.Action.PRINT)
    event(world.beat_officer, tokyo(2026, 6, 3), station=a, break_glass=True)
    event(
        world.other_officer,
        tokyo(2026, 6, 30, 23, 59),
        station=b,
        action=AccessEvent.Action.DENIED,
        outcome=AccessEvent.Outcome.DENIED,
        out_of_scope=True,
    )
    event(world.other_officer, tokyo(2026, 5, 31, 23, 59), station=b)
    event(world.other_officer, tokyo(2026, 7, 1, 0, 0), station=b)
    case(world.beat_officer, kind=AnomalyCase.Kind.BREAK_GLASS, day=dt.date(2026, 6, 3), key="1")
    case(world.other_officer, day=dt.date(2026, 6, 30), status=AnomalyCase.Status.CLOSED)
    case(world.other_officer, day=dt.date(2026, 5, 31))
    AccessLogCheck.objects.create(ok=True, checked=6, message="全6件の連鎖は正常です。")


def test_the_month_in_counts(world, june):
    report = audit_report_get(user=world.auditor, month=JUNE)
    assert report.actions == [("view", "閲覧"), ("print", "印刷"), ("denied", "アクセス拒否")]
    rows = {row.name: (row.counts, row.total) for row in report.stations}
    assert rows == {"中央警察署": ([2, 1, 0], 3), "北警察署": ([0, 0, 1], 1)}
    assert report.event_total == 4
    assert (report.break_glass, report.out_of_scope) == (1, 1)
    kinds = {label: (counts, total) for label, counts, total in report.case_kinds}
    assert kinds["緊急閲覧"] == ([1, 0, 0, 0], 1)
    assert kinds["担当範囲外の閲覧"] == ([0, 0, 0, 1], 1)
    assert report.case_total == 2
    assert report.last_check.message == "全6件の連鎖は正常です。"


@pytest.mark.parametrize("persona", ["auditor", "overall_manager"])
def test_auditors_and_the_overall_manager_read_it(world, login, june, persona):
    with time_machine.travel(NOW):
        response = login(world.people[persona]).get(REPORT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "監査報告（2026年6月）" in html
    assert "中央警察署" in html
    assert "全6件の連鎖は正常です。" in html
    # Counts only: no officer's name or number.
    for person in (world.beat_officer, world.other_officer):
        assert person.full_name not in html
        assert person.employee_number not in html


@pytest.mark.parametrize(
    "persona", ["chief", "supervisor", "station_manager", "beat_officer", "no_role"]
)
def test_anyone_else_is_refused(world, login, persona):
    assert login(world.people[persona]).get(REPORT).status_code == 403


def test_another_month_by_parameter_with_a_way_back_and_forth(world, login, june):
    with time_machine.travel(NOW):
        client = login(world.auditor)
        html = client.get(REPORT, {"month": "2026-05"}).content.decode()
        assert "監査報告（2026年5月）" in html
        assert 'href="?month=2026-04"' in html
        assert 'href="?month=2026-06"' in html
        # The current month has no "next month".
        assert 'rel="next"' not in client.get(REPORT).content.decode()


@pytest.mark.parametrize("value", ["2026-13", "june", "1999-01", "2026-06-01"])
def test_a_wrong_month_is_a_400_with_the_reason(world, login, value):
    response = login(world.auditor).get(REPORT, {"month": value})
    assert response.status_code == 400
    assert "月は「2026-04」のように、西暦4桁と月で入力してください。" in response.content.decode()


def test_overdue_cases_are_counted_now(world, login, settings):
    settings.AUDIT_REVIEW_DAYS = 7
    with time_machine.travel(NOW - dt.timedelta(days=8)):
        case(world.beat_officer, day=dt.date(2026, 6, 11))
    with time_machine.travel(NOW):
        assert audit_report_get(user=world.overall_manager, month=JUNE).overdue == 1
        html = login(world.auditor).get(REPORT).content.decode()
        assert re.search(r">1</span> 件 1週間以上未確認の事案", html)
        assert 'href="/audit/cases/?overdue=on"' in html
        # The case list is the auditors' page: the 統括管理責任者 gets the count, no link.
        html = login(world.overall_manager).get(REPORT).content.decode()
        assert re.search(r">1</span> 件 1週間以上未確認の事案", html)
        assert "?overdue=on" not in html
