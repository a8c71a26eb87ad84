"""閲覧記録のCSV出力: the search's filters, a CSV that Excel opens (BOM, Japanese headers),
recorded as one EXPORT event with its count before a row leaves, and capped."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from accounts.audit import selectors
from accounts.models import AccessEvent
from tests.accounts.audit.test_event_search import CARD, SUZUKI, T0, event
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db

URL = reverse("accounts:audit_event_export")
HEADER = [
    "日時",
    "職員番号",
    "氏名",
    "役職",
    "警察署",
    "操作",
    "対象の種類",
    "対象ID",
    "対象",
    "結果",
    "件数",
    "担当範囲外",
    "緊急閲覧",
    "概要",
    "接続元",
    "リクエストID",
]


@pytest.fixture
def card(world):
    return make_household(world.beat_officer, world.beat_a1_1)


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def rows(response) -> list[list[str]]:
    data = content(response)
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_csv_has_a_bom_japanese_headers_and_the_rows_newest_first(world, login, card):
    event(world.supervisor, at=T0, card=card, summary="古い閲覧")
    event(
        world.supervisor,
        at=T0 + dt.timedelta(minutes=5),
        card=card,
        action=AccessEvent.Action.EXPORT,
        role="supervisor",
        record_count=40,
        client_ip="10.0.0.7",
        break_glass=True,
        summary="新しい出力",
    )
    response = login(world.auditor).get(URL, {"start": "2026-03-10", "end": "2026-03-10"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "%E9%96%B2%E8%A6%A7%E8%A8%98%E9%8C%B2_" in response["Content-Disposition"]  # 閲覧記録_
    table = rows(response)
    assert table[0] == HEADER
    assert [r[13] for r in table[1:]] == ["新しい出力", "古い閲覧"]
    newest = dict(zip(HEADER, table[1], strict=True))
    assert newest["日時"] == "2026-03-10 09:05:00"
    assert newest["職員番号"] == world.supervisor.employee_number
    assert newest["氏名"] == world.supervisor.full_name
    assert newest["役職"] == "取扱責任者"
    assert newest["警察署"] == "中央警察署"
    assert newest["操作"] == "出力"
    assert newest["対象の種類"] == CARD
    assert newest["対象ID"] == str(card.pk)
    assert newest["対象"] == f"カード No.{card.pk}（中央警察署 駅前交番 第1受持区）"
    assert newest["結果"] == "成功"
    assert newest["件数"] == "40"
    assert newest["緊急閲覧"] == "○" and newest["担当範囲外"] == ""
    assert newest["接続元"] == "10.0.0.7"


def test_the_export_is_recorded_with_its_count_before_the_rows_are_sent(world, login, card):
    for index in range(3):
        event(world.chief, at=T0 + dt.timedelta(minutes=index), card=card)
    response = login(world.auditor).get(
        URL, {"person": world.chief.employee_number, "start": "2026-03-10"}
    )
    # Not a byte of the file has been read yet, and the export is already in the log.
    logged = AccessEvent.objects.get(user=world.auditor, action=AccessEvent.Action.EXPORT)
    assert logged.object_type == "accounts.accessevent"
    assert logged.record_count == 3
    assert logged.summary == "閲覧記録のCSV出力（職員・期間） 3件"
    assert len(rows(response)) == 1 + 3


def test_the_filters_of_the_search_apply(world, login, card):
    other = make_household(world.supervisor, world.beat_a1_2, members=[SUZUKI])
    event(world.chief, at=T0, card=card, action="print", summary="対象の印刷")
    event(world.chief, at=T0, card=card, action="view", summary="閲覧")
    event(world.chief, at=T0, card=other, action="print", summary="別カードの印刷")
    event(world.supervisor, at=T0, card=card, action="print", summary="別人の印刷")
    response = login(world.auditor).get(
        URL,
        {"person": world.chief.employee_number, "card": card.pk, "action": "print"},
    )
    assert [r[13] for r in rows(response)[1:]] == ["対象の印刷"]


def test_a_household_search_exports_no_card_contents(world, login, card):
    event(world.chief, at=T0, card=card, summary="閲覧")
    response = login(world.auditor).get(URL, {"household": "ヤマダ"})
    data = content(response).decode("utf-8-sig")
    assert f"カード No.{card.pk}" in data
    for personal in ("山田", "ヤマダ", "笠原町", "029-123-4567"):
        assert personal not in data, personal
    logged = AccessEvent.objects.get(user=world.auditor, action=AccessEvent.Action.EXPORT)
    assert "ヤマダ" not in logged.summary and "世帯・事業所名" in logged.summary


def test_the_export_stops_at_the_cap_and_says_so(world, login, card, monkeypatch):
    monkeypatch.setattr(selectors, "EXPORT_MAX_ROWS", 5)
    monkeypatch.setattr(selectors, "EXPORT_BATCH", 2)  # several batches, cut in the last
    for index in range(8):
        event(world.chief, at=T0 + dt.timedelta(minutes=index), card=card)
    response = login(world.auditor).get(URL, {"person": world.chief.employee_number})
    table = rows(response)
    assert len(table) == 1 + 5
    assert [r[0] for r in table[1:]] == [
        f"2026-03-10 09:{minute:02d}:00" for minute in (7, 6, 5, 4, 3)
    ]
    logged = AccessEvent.objects.get(user=world.auditor, action=AccessEvent.Action.EXPORT)
    assert logged.record_count == 5
    assert logged.summary.endswith("5件（上限で打ち切り）")


def test_the_search_page_states_the_cap_and_links_the_export_with_its_filters(world, login):
    text = (
        login(world.auditor)
        .get(reverse("accounts:audit_event_list"), {"action": "print", "after": ""})
        .content.decode()
    )
    assert "最大100,000件まで" in text
    assert f'href="{URL}?action=print"' in text


def test_a_spreadsheet_formula_is_not_run(world, login, card):
    event(world.chief, at=T0, card=card, summary='=HYPERLINK("http://example.com")')
    table = rows(login(world.auditor).get(URL, {"card": card.pk, "action": "view"}))
    assert table[1][13] == '\'=HYPERLINK("http://example.com")'


def test_invalid_parameters_are_a_400_with_the_errors_and_nothing_is_exported(world, login):
    response = login(world.auditor).get(URL, {"start": "2026-03-11", "end": "2026-03-10"})
    assert response.status_code == 400
    assert "終了が開始より前です。" in response.content.decode()
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()


@pytest.mark.parametrize("persona", ["chief", "station_manager", "overall_manager", "supervisor"])
def test_only_hq_auditors_may_export(world, login, persona):
    assert login(getattr(world, persona)).get(URL).status_code == 403
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
