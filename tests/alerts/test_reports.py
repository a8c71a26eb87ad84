"""あんしんメールの統計 (issue 14 point 6) for a known set of alerts, steps, deliveries and
subscribers (gunma, October–December 2026, Tokyo months): the counts per month, category and
所属; the medians from the draft to the send and per step; subscribers per area and category
at each month's end (today's members only); the delivery success rate; who sees which 所属's
figures; the CSV of a table; a refused month at its field; a query count that does not grow.

Months are Tokyo months: an alert started at 00:30 on 1 November Tokyo (still 31 October in
UTC) counts in November, and so does a subscriber registered at 00:10 that day."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from alerts.chain.models import StepAction
from alerts.delivery.models import DeliveryStatus
from alerts.drafts.models import Alert, AlertStatus, AlertStep, StepStatus
from alerts.subscribers.models import Subscriber
from tests.alerts.progress_kit import rows
from tests.html import field_error, soup
from tests.html import rows as table_rows

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 12, 15, 10, 0, tzinfo=TOKYO)
PERIOD = {"from": "2026-10", "to": "2026-12"}
URL = reverse("alerts:report_index")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _started(alert: Alert, *, started: str, created_before: dt.timedelta, **marks) -> Alert:
    start = at(started)
    Alert.objects.filter(pk=alert.pk).update(
        status=AlertStatus.SENT,
        created_at=start - created_before,
        sending_started_at=start,
        sent_at=start + dt.timedelta(minutes=5),
        **marks,
    )
    alert.refresh_from_db()
    return alert


def _steps(alert: Alert, *spans: tuple[str, int | None]) -> None:
    """(label, minutes from arrival to decision; None: still waiting) in order."""
    arrived = alert.created_at
    for order, (label, minutes) in enumerate(spans, start=1):
        decided = arrived + dt.timedelta(minutes=minutes) if minutes is not None else None
        AlertStep.objects.create(
            alert=alert,
            round=1,
            order=order,
            label=label,
            role=Role.ALERT_REVIEWER if order == 1 else Role.ALERT_APPROVER,
            action=StepAction.APPROVE,
            station=alert.author_station,
            status=StepStatus.DONE if decided else StepStatus.PENDING,
            arrived_at=arrived,
            decided_at=decided,
        )


@pytest.fixture
def known(alert_world, make_draft):
    aw = alert_world
    a1 = _started(
        make_draft("suspicious"),
        started="2026-11-01 00:30",
        created_before=dt.timedelta(hours=3),
        reported_at=at("2026-10-31 22:00"),
    )
    a2 = _started(
        make_draft("fraud"), started="2026-12-01 09:00", created_before=dt.timedelta(hours=1)
    )
    a3 = _started(
        make_draft("suspicious"),
        started="2026-12-02 09:00",
        created_before=dt.timedelta(hours=2),
        withdrawn_at=at("2026-12-02 10:00"),
        withdrawn_reason="誤配信",
    )
    b1 = _started(
        make_draft("suspicious", author=aw.author_b, area_stations=[aw.station_b]),
        started="2026-11-10 09:00",
        created_before=dt.timedelta(hours=10),
    )
    make_draft("suspicious")  # a draft: in no report
    _steps(a1, ("運用責任者の確認", 30), ("運用管理者の承認", 60))
    _steps(a2, ("運用責任者の確認", 10), ("運用管理者の承認", 120))
    _steps(a3, ("運用責任者の確認", 20), ("運用管理者の承認", None))
    due = at("2026-11-01 00:30")
    for alert, sent, failed, dropped in (
        (a1, 8, 2, 1),
        (a2, 5, 0, 0),
        (a3, 3, 1, 0),
        (b1, 0, 10, 0),
    ):
        rows(alert, sent, DeliveryStatus.SENT, not_before=due, sent_at=due)
        rows(alert, failed, DeliveryStatus.FAILED, not_before=due)
        rows(alert, dropped, DeliveryStatus.DROPPED, not_before=due)
    cats, munis = aw.categories, aw.municipalities
    for when, whole, areas, codes in (
        ("2026-09-15 12:00", True, [], ["suspicious"]),
        ("2026-11-01 00:10", False, ["chuo"], ["suspicious", "fraud"]),
        ("2026-12-03 12:00", False, ["kita"], ["fraud"]),
        ("2026-10-05 12:00", False, ["chuo", "minami"], ["suspicious"]),
    ):
        s = Subscriber.objects.create(
            email=f"s{when[:10]}{areas}@example.jp".replace(" ", ""),
            confirmed_at=at(when),
            whole_prefecture=whole,
        )
        s.categories.set([cats[c] for c in codes])
        s.municipalities.set([munis[m] for m in areas])
    return aw


def _page(client, **params):
    response = client.get(URL, {**PERIOD, **params})
    assert response.status_code == 200
    return soup(response)


def _table(page, key: str) -> list[list[str]]:
    return table_rows(page.find(id=f"table-{key}"))


def test_a_station_manager_sees_his_stations_figures(known, login):
    page = _page(login(known.alert_approver))
    assert "中央警察署の2026年10月から2026年12月までの統計" in page.get_text()
    assert _table(page, "alerts_by_month") == [
        ["月", "配信件数", "うち取消"],
        ["2026年10月", "0", "0"],
        ["2026年11月", "1", "0"],
        ["2026年12月", "2", "1"],
    ]
    assert _table(page, "alerts_by_category")[1:] == [
        ["不審者情報", "2", "66.7"],
        ["特殊詐欺等", "1", "33.3"],
    ]
    assert _table(page, "alerts_by_unit")[1:] == [["中央警察署", "3", "100.0"]]
    spans = {r[0]: r[1:] for r in _table(page, "timing_spans")[1:]}
    assert spans["作成から配信開始まで（全体）"] == ["3", "2時間", "120.0", "3時間"]
    assert spans["作成から報告（承認申請）まで"] == ["1", "30分", "30.0", "30分"]
    assert _table(page, "timing_steps")[1:] == [
        ["運用責任者の確認", "3", "20分", "20.0", "30分"],
        ["運用管理者の承認", "2", "1時間30分", "90.0", "2時間"],
    ]
    assert _table(page, "subscribers_by_area")[1:] == [
        ["県内全域", "1", "1", "1"],
        ["中央市（中央警察署）", "1", "2", "2"],
        ["南町（中央警察署）", "1", "1", "1"],
    ]
    by_category = {r[0]: r[1:] for r in _table(page, "subscribers_by_category")[1:]}
    assert by_category["不審者情報"] == ["2", "3", "3"]
    assert by_category["特殊詐欺等"] == ["0", "1", "1"]
    assert by_category["会員数（合計）"] == ["2", "3", "3"]
    assert "さかのぼって数えていません" in page.get_text()
    assert _table(page, "delivery_by_month")[1:] == [
        ["2026年10月", "0", "0", "0", "0", "—"],
        ["2026年11月", "11", "8", "2", "1", "80.0"],
        ["2026年12月", "9", "8", "1", "0", "88.9"],
    ]


def test_the_overall_manager_sees_every_units_figures(known, login):
    page = _page(login(known.alert_hq_approver))
    assert "すべての所属の" in page.get_text()
    assert [r[1] for r in _table(page, "alerts_by_month")[1:]] == ["0", "2", "2"]
    assert _table(page, "alerts_by_unit")[1:] == [
        ["中央警察署", "3", "75.0"],
        ["北警察署", "1", "25.0"],
    ]
    areas = {r[0]: r[1:] for r in _table(page, "subscribers_by_area")[1:]}
    assert areas["北市（北警察署）"] == ["0", "0", "1"]
    totals = {r[0]: r[1:] for r in _table(page, "subscribers_by_category")[1:]}
    assert totals["会員数（合計）"] == ["2", "3", "4"]
    assert _table(page, "delivery_by_month")[2] == ["2026年11月", "21", "8", "12", "1", "40.0"]


def test_another_stations_manager_sees_only_his(known, login):
    page = _page(login(known.approver_b))
    assert [r[1] for r in _table(page, "alerts_by_month")[1:]] == ["0", "1", "0"]
    assert [r[0] for r in _table(page, "subscribers_by_area")[1:]] == [
        "県内全域",
        "北市（北警察署）",
    ]


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("alert_reviewer", 200),
        ("alert_author", 403),
        ("alert_sender", 403),
        ("no_role", 403),
    ],
)
def test_who_may_see_the_reports(known, login, person, status):
    client = login(getattr(known, person))
    assert client.get(URL).status_code == status
    csv_url = reverse("alerts:report_csv", kwargs={"key": "alerts_by_month"})
    assert client.get(csv_url).status_code == status


def test_the_menu_offers_the_reports_to_managers_only(known, login):
    home = reverse("accounts:home")
    names = lambda client: [a.get_text() for a in soup(client.get(home)).select("nav.site-nav a")]  # noqa: E731
    assert "あんしんメールの統計" in names(login(known.alert_approver))
    assert "あんしんメールの統計" not in names(login(known.alert_author))


def test_a_table_downloads_as_csv_with_the_same_figures(known, login):
    client = login(known.alert_approver)
    url = reverse("alerts:report_csv", kwargs={"key": "delivery_by_month"})
    response = client.get(url, PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(body)))
    assert lines[0] == ["月", "送信件数", "送信済み", "送信できず", "送信取りやめ", "成功率（%）"]
    assert lines[2] == ["2026年11月", "11", "8", "2", "1", "80.0"]
    assert client.get(reverse("alerts:report_csv", kwargs={"key": "nothing"})).status_code == 404


def test_a_wrong_month_is_said_at_its_field_and_the_last_year_shown(known, login):
    client = login(known.alert_approver)
    response = client.get(URL, {"from": "2026-13", "to": "2026-12"})
    assert response.status_code == 200
    assert field_error(response, "開始月").startswith("エラー：月は「2026-04」のように")
    assert len(_table(soup(response), "alerts_by_month")) == 13  # header + 12 months
    response = client.get(URL, {"from": "2026-12", "to": "2026-10"})
    assert "終了月は開始月と同じ月か" in field_error(response, "終了月")
    response = client.get(URL, {"from": "2020-01", "to": "2026-12"})
    assert "期間は5年以内" in field_error(response, "開始月")


def test_the_charts_carry_a_title_and_their_figures_are_beside_them(known, login):
    page = _page(login(known.alert_hq_approver))
    svgs = page.select("svg[role=img]")
    assert [s.find("title").get_text() for s in svgs] == [
        "月別の配信件数",
        "承認の段階ごとの所要時間（中央値、分）",
        "配信区分別の会員数の推移",
        "月別の送信成功率",
    ]
    # Two alerts in November: one bar per month with its figure in words.
    bars = [r.find("title").get_text() for r in svgs[0].find_all("rect")]
    assert bars == ["10月 0件", "11月 2件", "12月 2件"]


def test_the_query_count_does_not_grow_with_the_rows(known, login, make_draft):
    client = login(known.alert_hq_approver)
    client.get(URL, PERIOD)
    with CaptureQueriesContext(connection) as before:
        client.get(URL, PERIOD)
    for _ in range(3):
        alert = _started(
            make_draft("fraud"), started="2026-12-05 09:00", created_before=dt.timedelta(hours=1)
        )
        _steps(alert, ("運用責任者の確認", 5))
        rows(alert, 4, DeliveryStatus.SENT, not_before=NOW, sent_at=NOW)
    with CaptureQueriesContext(connection) as after:
        response = client.get(URL, PERIOD)
    assert [r[1] for r in _table(soup(response), "alerts_by_month")[1:]] == ["0", "2", "5"]
    assert len(after) == len(before)
