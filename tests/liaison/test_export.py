"""The book and the station as CSV and Excel: for 取扱責任者 and above, streamed, with one
access event carrying the count."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from liaison.books import exports
from liaison.filing import services
from tests.liaison.conftest import MEMBERS, make_business, make_household

pytestmark = pytest.mark.django_db


def book_url(beat, fmt: str = "csv") -> str:
    return reverse("liaison:book_export", kwargs={"pk": beat.pk, "fmt": fmt})


def station_url(station, fmt: str = "csv") -> str:
    return reverse("liaison:station_export", kwargs={"pk": station.pk, "fmt": fmt})


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    text = body.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


@pytest.fixture
def book(world):
    """A household of three, a shop and a closed household in beat A1-1."""
    household = make_household(
        world.beat_officer,
        world.beat_a1_1,
        banchi="2",
        declined=["residence_type"],
        residence_type="",
        care_elderly_only=True,
    )
    shop = make_business(world.beat_officer, world.beat_a1_1, banchi="10")
    moved = make_household(world.beat_officer, world.beat_a1_1, banchi="3", members=[MEMBERS[1]])
    services.card_close(
        actor=world.beat_officer,
        card=moved,
        version=moved.version,
        reason="moved",
        closed_on=timezone.localdate(),
    )
    return {"household": household, "shop": shop, "moved": moved}


def test_the_supervisor_exports_the_book_as_csv(world, login, book):
    response = login(world.supervisor).get(book_url(world.beat_a1_1))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert f"{timezone.localdate():%Y%m%d}.csv" in disposition
    assert "%E7%AC%AC1%E5%8F%97%E6%8C%81%E5%8C%BA" in disposition  # 第1受持区
    assert response["Cache-Control"] == "no-store"

    header, *rows = csv_rows(response)
    assert header == list(exports.COLUMNS)
    assert len(rows) == 3  # filed and closed cards
    household, moved, shop = rows  # address order: 2, 3, 10
    record = dict(zip(header, household, strict=True))
    assert record["受持区"] == "駅前交番 第1受持区"
    assert record["種別"] == "世帯"
    assert record["状態"] == "編てつ済み"
    assert record["郵便番号"] == "310-0852"
    assert record["住所"] == "茨城県水戸市笠原町2"
    assert record["世帯主・事業所名"] == "山田 太郎"
    assert record["フリガナ"] == "ヤマダ タロウ"
    assert record["電話番号"] == "029-123-4567"
    assert record["人数"] == "3"
    assert record["世帯員"] == "山田 太郎（世帯主）、山田 花子（配偶者）、山田 一郎（子）"
    assert record["要配意事項"] == "高齢者のみの世帯"
    assert "入居年月" in record["未記入"]
    assert record["回答拒否"] == "居住形態"
    assert record["最終巡回連絡日"] == ""
    closed = dict(zip(header, moved, strict=True))
    assert closed["状態"] == "廃止"
    assert closed["廃止日"] == timezone.localdate().isoformat()
    assert dict(zip(header, shop, strict=True))["世帯主・事業所名"] == "笠原商店"
    assert dict(zip(header, shop, strict=True))["世帯員"] == ""  # a business has no members


def test_a_member_without_a_relationship_is_listed_by_name_alone(world, login):
    lodger = {"name": "佐藤 次郎", "kana": "サトウ ジロウ", "relationship": ""}
    make_household(world.beat_officer, world.beat_a1_1, members=[MEMBERS[0], lodger])
    header, row = csv_rows(login(world.supervisor).get(book_url(world.beat_a1_1)))
    assert dict(zip(header, row, strict=True))["世帯員"] == "山田 太郎（世帯主）、佐藤 次郎"


def test_the_export_is_one_access_event_with_the_count(world, login, book):
    login(world.chief).get(book_url(world.beat_a1_1, "xlsx"))
    (event,) = AccessEvent.objects.filter(user=world.chief, action=AccessEvent.Action.EXPORT)
    assert (event.object_type, event.object_id) == ("liaison.liaisonbook", str(world.beat_a1_1.pk))
    assert event.station == world.station_a
    assert "Excel" in event.summary and "（3件）" in event.summary
    assert "山田" not in event.summary


def test_the_excel_file_opens_and_holds_the_rows(world, login, book):
    response = login(world.station_manager).get(book_url(world.beat_a1_1, "xlsx"))
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    header, *rows = xlsx_rows(response)
    assert header == exports.COLUMNS
    assert len(rows) == 3
    assert rows[0][7] == "山田 太郎"
    assert rows[0][10] == 3
    assert rows[1][16] == dt.datetime.combine(timezone.localdate(), dt.time())


def test_a_formula_typed_by_a_resident_stays_text(world, login):
    make_business(world.beat_officer, world.beat_a1_1, business_name="=HYPERLINK(1)")
    client = login(world.supervisor)
    (row,) = csv_rows(client.get(book_url(world.beat_a1_1)))[1:]
    assert row[7] == "'=HYPERLINK(1)"
    (cells,) = xlsx_rows(client.get(book_url(world.beat_a1_1, "xlsx")))[1:]
    assert cells[7] == "=HYPERLINK(1)"  # a string cell, not a formula


def test_the_station_export_holds_every_book_the_user_may_export(world, login):
    make_household(world.beat_officer, world.beat_a1_1)
    make_household(world.supervisor, world.beat_a1_2, banchi="9")
    make_household(world.chief, world.beat_a2_1, banchi="7")
    make_household(world.other_officer, world.beat_b1_1)

    chief_rows = csv_rows(login(world.chief).get(station_url(world.station_a)))[1:]
    assert sorted(r[0] for r in chief_rows) == [
        "山田駐在所 山田受持区",
        "駅前交番 第1受持区",
        "駅前交番 第2受持区",
    ]
    # The post's 取扱責任者 gets his post's books only, in the same station file.
    supervisor = login(world.supervisor).get(station_url(world.station_a, "xlsx"))
    assert sorted(r[0] for r in xlsx_rows(supervisor)[1:]) == [
        "駅前交番 第1受持区",
        "駅前交番 第2受持区",
    ]
    assert "%E4%B8%AD%E5%A4%AE%E8%AD%A6%E5%AF%9F%E7%BD%B2" in supervisor["Content-Disposition"]
    event = AccessEvent.objects.get(user=world.chief, action=AccessEvent.Action.EXPORT)
    assert "中央警察署" in event.summary and "（3件）" in event.summary


@pytest.mark.parametrize(
    ("persona", "beat", "status"),
    [
        ("beat_officer", "beat_a1_1", 403),  # his book, but beat officers do not export
        ("overall_manager", "beat_a1_1", 403),  # reads everything, exports nothing
        ("beat_officer", "beat_a1_2", 404),
        ("supervisor", "beat_a2_1", 404),
        ("chief", "beat_b1_1", 404),
        ("staff", "beat_a1_1", 404),
        ("auditor", "beat_a1_1", 404),
        ("supervisor", "beat_a1_2", 200),
        ("station_manager", "beat_a2_1", 200),
    ],
)
def test_who_may_export_a_book(world, login, persona, beat, status):
    response = login(world.people[persona]).get(book_url(getattr(world, beat)))
    assert response.status_code == status
    exported = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()
    assert exported == (status == 200)


@pytest.mark.parametrize(
    ("persona", "station", "status"),
    [
        ("chief", "station_a", 200),
        ("station_manager", "station_a", 200),
        ("supervisor", "station_a", 200),
        ("chief", "station_b", 404),
        ("beat_officer", "station_a", 404),
        ("overall_manager", "station_a", 404),
        ("staff", "station_a", 404),
        ("other_officer", "station_b", 404),
    ],
)
def test_who_may_export_a_station(world, login, persona, station, status):
    response = login(world.people[persona]).get(station_url(getattr(world, station)))
    assert response.status_code == status


def test_an_unknown_station_or_format_is_not_found(world, login):
    client = login(world.chief)
    assert client.get(station_url(world.station_a, "pdf")).status_code == 404
    assert client.get(book_url(world.beat_a1_1, "json")).status_code == 404
    missing = reverse("liaison:station_export", kwargs={"pk": 999999, "fmt": "csv"})
    assert client.get(missing).status_code == 404
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()


def test_post_is_not_allowed(world, login):
    client = login(world.chief)
    assert client.post(book_url(world.beat_a1_1)).status_code == 405
    assert client.post(station_url(world.station_a)).status_code == 405


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(book_url(world.beat_a1_1))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def _fill(officer, beat, count: int) -> None:
    for i in range(count):
        make_household(officer, beat, banchi=str(i + 1))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_queries_do_not_grow_with_the_cards(
    world, login, django_assert_num_queries, monkeypatch, fmt
):
    """Cards are read in chunks through one cursor, each with its members' names joined by
    the database: never a query per card or per chunk. With chunks of 10, 3 cards take one
    chunk and 30 cards three, in the same number of queries."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    _fill(world.supervisor, world.beat_a1_1, 3)
    _fill(world.supervisor, world.beat_a1_2, 30)
    client = login(world.supervisor)
    client.get(book_url(world.beat_a1_1, fmt))  # warms the session and content-type caches
    for beat, cards in ((world.beat_a1_1, 3), (world.beat_a1_2, 30)):
        with django_assert_num_queries(QUERIES):
            response = client.get(book_url(beat, fmt))
            rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
        assert len(rows) == cards + 1
        # Every card's three members, in the card's order, with their 続柄.
        assert {row[11] for row in rows[1:]} == {
            "山田 太郎（世帯主）、山田 花子（配偶者）、山田 一郎（子）"
        }


# session, user, OTP device, the book, the count, the access event (the user's permissions
# on the beat and the acting roles from the grants cache; the session is not written), the
# cards with their members (one server-side cursor, DECLAREd once and fetched chunk by chunk).
QUERIES = 7


@pytest.mark.django_db(transaction=True)
def test_the_csv_streams_outside_a_transaction(world, login, monkeypatch):
    """As in production: the view has returned and committed; the rows are read through a
    cursor that outlives it (WITH HOLD), chunk by chunk, while the response is sent."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    _fill(world.supervisor, world.beat_a1_1, 5)
    response = login(world.supervisor).get(book_url(world.beat_a1_1))
    assert len(csv_rows(response)) == 6
