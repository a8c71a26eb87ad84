"""閲覧記録の検索: every filter, keyset paging, field errors, what an auditor sees (events,
never card contents), who may search, and a fixed number of queries per page.

Events are made at given times with AccessEvent.objects.create (the PG trigger chains them);
each carries a unique summary 「記録NNN」 so a test can tell which rows a page shows.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessEvent
from tests.html import by_role, link, links, rows
from tests.liaison.conftest import make_business, make_household

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
URL = reverse("accounts:audit_event_list")
CARD = "liaison.liaisoncard"
T0 = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TOKYO)
SUZUKI = {"name": "鈴木 一郎", "kana": "スズキ イチロウ", "relationship": "head"}
SATO = {"name": "佐藤 次郎", "kana": "サトウ ジロウ", "relationship": "head"}

_counter = iter(range(1, 100_000))


def event(
    user,
    *,
    at: dt.datetime,
    action: str = AccessEvent.Action.VIEW,
    card=None,
    object_type: str = "",
    object_id: str | int = "",
    station=None,
    summary: str | None = None,
    **extra,
) -> AccessEvent:
    """One recorded event at a given time, as access_event_record would have written it."""
    if card is not None:
        object_type, object_id = CARD, card.pk
        station = station or card.station
    return AccessEvent.objects.create(
        occurred_at=at,
        user=user,
        username=user.employee_number if user else "",
        role=extra.pop("role", "beat_officer"),
        station=station,
        action=action,
        outcome=extra.pop("outcome", AccessEvent.Outcome.SUCCESS),
        object_type=object_type,
        object_id=str(object_id),
        summary=summary if summary is not None else f"記録{next(_counter):05d}",
        **extra,
    )


def shown(response) -> list[str]:
    """The 「記録NNNNN」 summaries a page shows, in order."""
    return re.findall(r"記録\d{5}", response.content.decode())


def field_errors(response, name: str) -> list[str]:
    form = response.context["form"]
    return list(form.errors.get(name, []))


def next_link(response) -> str | None:
    match = re.search(r'<a href="([^"]*)" rel="next">次の50件</a>', response.content.decode())
    return html.unescape(match.group(1)) if match else None


@pytest.fixture
def cards(world):
    """Two households of beat A1-1 (山田, 鈴木) and one of station B (佐藤)."""
    yamada = make_household(world.beat_officer, world.beat_a1_1)
    suzuki = make_household(world.beat_officer, world.beat_a1_1, members=[SUZUKI])
    north = make_household(world.other_officer, world.beat_b1_1, members=[SATO], town="北町")
    return yamada, suzuki, north


def search(client, **params):
    return client.get(URL, params)


# --- Filters -----------------------------------------------------------------------------------


def test_without_conditions_the_latest_events_come_first(world, login, cards):
    yamada, _, _ = cards
    old = event(world.beat_officer, at=T0, card=yamada)
    new = event(world.supervisor, at=T0 + dt.timedelta(hours=1), card=yamada)
    response = search(login(world.auditor), start="2026-03-10", end="2026-03-10")
    assert response.status_code == 200
    assert shown(response) == [new.summary, old.summary]


def test_person_by_employee_number(world, login, cards):
    yamada, _, _ = cards
    mine = event(world.beat_officer, at=T0, card=yamada)
    other = event(world.supervisor, at=T0, card=yamada)
    response = search(login(world.auditor), person=world.beat_officer.employee_number)
    assert mine.summary in shown(response)
    assert other.summary not in shown(response)


def test_person_by_part_of_the_name(world, login, cards):
    yamada, _, _ = cards
    beat = event(world.beat_officer, at=T0, card=yamada)
    other = event(world.other_officer, at=T0, card=yamada)
    supervisor = event(world.supervisor, at=T0, card=yamada)
    client = login(world.auditor)
    found = shown(search(client, person="officer"))  # beat_officer 職員, other_officer 職員
    assert beat.summary in found and other.summary in found
    assert supervisor.summary not in found
    # Full-width letters and spaces typed differently still match.
    found = shown(search(client, person="ｂｅａｔ＿ｏｆｆｉｃｅｒ　職員"))
    assert found.count(beat.summary) == 1 and other.summary not in found


def test_a_person_who_matches_nobody_is_said_at_the_field(world, login):
    response = search(login(world.auditor), person="存在しない人")
    assert response.status_code == 200
    assert field_errors(response, "person") == [
        "該当する職員がいません。職員番号か氏名の一部を確かめてください。"
    ]
    assert response.context["page"] is None


def test_station(world, login, cards):
    yamada, _, north = cards
    a = event(world.beat_officer, at=T0, card=yamada)
    b = event(world.other_officer, at=T0, card=north)
    client = login(world.auditor)
    assert shown(search(client, station=world.station_b.pk, start="2026-03-10")) == [b.summary]
    assert shown(search(client, station=world.station_a.pk, start="2026-03-10")) == [a.summary]


def test_card_number(world, login, cards):
    yamada, suzuki, _ = cards
    on_yamada = event(world.beat_officer, at=T0, card=yamada)
    event(world.beat_officer, at=T0, card=suzuki)
    response = search(login(world.auditor), card=str(yamada.pk))
    assert shown(response) == [on_yamada.summary]
    # Full-width digits, as a Japanese keyboard types them, are the same number.
    wide = str(yamada.pk).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert shown(search(login(world.auditor), card=wide)) == [on_yamada.summary]


def test_household_name_finds_the_cards_events_without_showing_the_card(world, login, cards):
    yamada, suzuki, _ = cards
    on_yamada = event(world.beat_officer, at=T0, card=yamada)
    on_suzuki = event(world.beat_officer, at=T0, card=suzuki)
    response = search(
        login(world.auditor), household="やまだ", start="2026-03-10", end="2026-03-10"
    )
    assert response.status_code == 200
    assert shown(response) == [on_yamada.summary]
    assert on_suzuki.summary not in shown(response)
    text = response.content.decode()
    # Where the card is, never whose it is.
    assert f"カード No.{yamada.pk}（中央警察署 駅前交番 第1受持区）" in text
    assert "当てはまったカード（1件）" in text
    for personal in ("山田", "太郎", "花子", "ヤマダ", "笠原町", "1-2-3", "029-123-4567", "会社員"):
        assert personal not in text, personal
    # The log names the filter, not the name searched for.
    logged = AccessEvent.objects.get(user=world.auditor, action=AccessEvent.Action.SEARCH)
    assert logged.summary == "閲覧記録の検索（世帯・事業所名・期間） 1件表示"


def test_a_business_is_found_by_its_name_in_kana(world, login):
    shop = make_business(world.beat_officer, world.beat_a1_1)
    on_shop = event(world.supervisor, at=T0, card=shop, action=AccessEvent.Action.PRINT)
    response = search(login(world.auditor), household="かさはら")
    assert shown(response) == [on_shop.summary]
    assert "笠原商店" not in response.content.decode()


def test_a_household_name_that_matches_nothing_is_said_so(world, login, cards):
    response = search(login(world.auditor), household="該当なし太郎")
    assert field_errors(response, "household") == [
        "この名前に当てはまる世帯・事業所のカードはありません。"
    ]
    assert response.context["page"] is None


def test_a_name_that_matches_nothing_was_still_looked_up_and_is_logged(world, login, cards):
    """A lookup of a resident's name leaves a trace whether or not a card matched."""
    search(login(world.auditor), household="該当なし太郎", start="2026-03-10")
    logged = AccessEvent.objects.get(user=world.auditor, action=AccessEvent.Action.SEARCH)
    assert logged.summary == "閲覧記録の検索（世帯・事業所名・期間） 該当なし"
    assert logged.record_count == 0
    assert "該当なし太郎" not in logged.summary


def test_a_person_who_matches_nobody_was_still_looked_up_and_is_logged(world, login):
    search(login(world.auditor), person="存在しない人")
    logged = AccessEvent.objects.get(user=world.auditor, action=AccessEvent.Action.SEARCH)
    assert logged.summary == "閲覧記録の検索（職員） 該当なし"
    assert "存在しない人" not in logged.summary


def test_an_export_of_a_name_that_matches_nothing_is_logged_too(world, login, cards):
    client = login(world.auditor)
    response = client.get(reverse("accounts:audit_event_export"), {"household": "存在しない名前"})
    assert response.status_code == 400
    logged = AccessEvent.objects.get(user=world.auditor, action=AccessEvent.Action.SEARCH)
    assert logged.summary == "閲覧記録の検索（世帯・事業所名） 該当なし"


def test_action(world, login, cards):
    yamada, _, _ = cards
    view = event(world.supervisor, at=T0, card=yamada)
    printed = event(world.supervisor, at=T0, card=yamada, action=AccessEvent.Action.PRINT)
    response = search(login(world.auditor), action="print")
    assert printed.summary in shown(response)
    assert view.summary not in shown(response)


def test_the_end_date_is_inclusive(world, login):
    before = event(world.chief, at=dt.datetime(2026, 3, 9, 23, 59, 59, tzinfo=TOKYO))
    first = event(world.chief, at=dt.datetime(2026, 3, 10, 0, 0, tzinfo=TOKYO))
    last = event(world.chief, at=dt.datetime(2026, 3, 11, 23, 59, 59, 999999, tzinfo=TOKYO))
    after = event(world.chief, at=dt.datetime(2026, 3, 12, 0, 0, tzinfo=TOKYO))
    response = search(login(world.auditor), start="2026-03-10", end="2026-03-11")
    assert shown(response) == [last.summary, first.summary]
    assert before.summary not in shown(response) and after.summary not in shown(response)


def test_a_time_range_with_datetime_local_includes_the_end_minute(world, login):
    at = lambda h, m, s=0: dt.datetime(2026, 3, 10, h, m, s, tzinfo=TOKYO)  # noqa: E731
    early = event(world.chief, at=at(8, 59, 59))
    start = event(world.chief, at=at(9, 0))
    end = event(world.chief, at=at(9, 30, 59))
    late = event(world.chief, at=at(9, 31))
    response = search(login(world.auditor), start="2026-03-10T09:00", end="2026-03-10T09:30")
    assert shown(response) == [end.summary, start.summary]
    assert early.summary not in shown(response) and late.summary not in shown(response)


def test_tokyo_time_not_utc(world, login):
    # 2026-03-10 08:00 Tokyo is 2026-03-09 23:00 UTC: it belongs to the 10th.
    morning = event(world.chief, at=dt.datetime(2026, 3, 9, 23, 0, tzinfo=dt.UTC))
    response = search(login(world.auditor), start="2026-03-10", end="2026-03-10")
    assert shown(response) == [morning.summary]
    assert "2026年3月10日 08:00:00" in response.content.decode()


def test_out_of_scope_and_break_glass_flags(world, login, cards):
    yamada, _, _ = cards
    plain = event(world.staff, at=T0, card=yamada)
    outside = event(world.staff, at=T0, card=yamada, out_of_scope=True, outcome="denied")
    glass = event(world.staff, at=T0, card=yamada, break_glass=True)
    client = login(world.auditor)
    assert shown(search(client, out_of_scope="1")) == [outside.summary]
    assert shown(search(client, break_glass="1")) == [glass.summary]
    both = shown(search(client, start="2026-03-10", end="2026-03-10"))
    assert set(both) == {plain.summary, outside.summary, glass.summary}


def test_combined_filters(world, login, cards):
    yamada, suzuki, _ = cards
    wanted = event(world.supervisor, at=T0, card=yamada, action="print", break_glass=True)
    event(world.supervisor, at=T0, card=yamada, action="view", break_glass=True)
    event(world.supervisor, at=T0, card=suzuki, action="print", break_glass=True)
    event(world.supervisor, at=T0 + dt.timedelta(days=2), card=yamada, action="print")
    event(world.chief, at=T0, card=yamada, action="print", break_glass=True)
    response = search(
        login(world.auditor),
        person=world.supervisor.employee_number,
        station=world.station_a.pk,
        card=yamada.pk,
        action="print",
        start="2026-03-10",
        end="2026-03-11",
        break_glass="1",
    )
    assert shown(response) == [wanted.summary]
    logged = AccessEvent.objects.get(user=world.auditor, action=AccessEvent.Action.SEARCH)
    assert logged.summary == "閲覧記録の検索（職員・警察署・カード・操作・期間・緊急閲覧） 1件表示"
    assert logged.object_type == "accounts.accessevent"
    assert logged.record_count == 1


# --- Keyset paging ---------------------------------------------------------------------------


def test_pages_continue_exactly_with_ties_on_the_time(world, login):
    # 130 events, in groups of 7 that share one instant: ties broken by id, newest first.
    made = []
    for index in range(130):
        at = T0 + dt.timedelta(seconds=index // 7)
        made.append(event(world.chief, at=at))
    expected = [e.summary for e in sorted(made, key=lambda e: (e.occurred_at, e.pk), reverse=True)]
    client = login(world.auditor)
    response = search(client, person=world.chief.employee_number, start="2026-03-10")
    seen = shown(response)
    assert len(seen) == 50
    assert "最新に戻る" not in response.content.decode()
    pages = 1
    while (link := next_link(response)) is not None:
        response = client.get(URL + link)
        assert response.status_code == 200
        assert "最新に戻る" in response.content.decode()
        seen += shown(response)
        pages += 1
    assert pages == 3
    assert seen == expected  # no duplicate, no gap, same order
    assert len(set(seen)) == 130
    # The other conditions ride along with the cursor.
    assert response.context["form"].cleaned_data["person"] == world.chief.employee_number
    # Each page's log line says it continued.
    summaries = list(
        AccessEvent.objects.filter(user=world.auditor, action="search")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "閲覧記録の検索（職員・期間） 50件表示",
        "閲覧記録の検索（職員・期間） 50件表示（続き）",
        "閲覧記録の検索（職員・期間） 30件表示（続き）",
    ]


def test_pages_continue_exactly_when_the_filter_names_several_people(world, login):
    # 「officer」: the beat officer and the officer of station B, their events interleaved
    # and tied on the time; each person's newest rows are merged page by page.
    made = []
    for index in range(110):
        person = (world.beat_officer, world.other_officer)[index % 3 == 0]
        made.append(event(person, at=T0 + dt.timedelta(seconds=index // 5)))
    event(world.supervisor, at=T0)  # not named
    expected = [e.summary for e in sorted(made, key=lambda e: (e.occurred_at, e.pk), reverse=True)]
    client = login(world.auditor)
    response = search(client, person="officer", start="2026-03-10", end="2026-03-10")
    seen = shown(response)
    while (link := next_link(response)) is not None:
        response = client.get(URL + link)
        seen += shown(response)
    assert seen == expected


def test_an_exactly_full_page_has_no_next_link(world, login):
    for index in range(50):
        event(world.chief, at=T0 + dt.timedelta(minutes=index))
    response = search(login(world.auditor), person=world.chief.employee_number)
    assert len(shown(response)) == 50
    assert next_link(response) is None


def test_the_cursor_condition_is_an_index_bound(world, login):
    """The next page asks occurred_at <= t AND (occurred_at < t OR id < last): no OFFSET,
    and no COUNT over the result."""
    for index in range(60):
        event(world.chief, at=T0 + dt.timedelta(minutes=index))
    client = login(world.auditor)
    first = search(client, person=world.chief.employee_number)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL + next_link(first))
    sql = [q["sql"] for q in queries if 'FROM "accounts_accessevent"' in q["sql"]]
    assert len(sql) == 1
    assert "OFFSET" not in sql[0] and "COUNT(" not in sql[0]
    assert '"accounts_accessevent"."occurred_at" <= ' in sql[0]
    assert '"accounts_accessevent"."id" < ' in sql[0]


# --- Errors at the fields ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2026/13/01"}, "start", "存在しない日付・時刻です。"),
        ({"start": "3月10日"}, "start", "日付の形式が正しくありません。"),
        ({"end": "2026-03-10T25:00"}, "end", "存在しない日付・時刻です。"),
        ({"start": "2026-03-11", "end": "2026-03-10"}, "end", "終了が開始より前です。"),
        (
            {"start": "2026-03-10T10:00", "end": "2026-03-10T09:59"},
            "end",
            "終了が開始より前です。",
        ),
        ({"card": "No.abc"}, "card", "カード番号は数字で入力してください（例：123）。"),
        ({"station": "999999"}, "station", "警察署を一覧から選んでください。"),
        ({"station": "abc"}, "station", "警察署を一覧から選んでください。"),
        ({"station": "9" * 30}, "station", "警察署を一覧から選んでください。"),
        ({"action": "delete_all"}, "action", "操作を一覧から選んでください。"),
        (
            {"after": "'; DROP TABLE"},
            "after",
            "ページ送りの指定が正しくありません。「最新に戻る」から表示し直してください。",
        ),
        (
            {"after": "1700000000000000-9999999999999999999"},
            "after",
            "ページ送りの指定が正しくありません。「最新に戻る」から表示し直してください。",
        ),
        (
            {"after": "1700000000000000-12-3"},
            "after",
            "ページ送りの指定が正しくありません。「最新に戻る」から表示し直してください。",
        ),
    ],
)
def test_invalid_parameters_are_field_errors_not_a_500(world, login, params, field, message):
    response = search(login(world.auditor), **params)
    assert response.status_code == 200
    assert any(e.startswith(message) for e in field_errors(response, field)), field_errors(
        response, field
    )
    assert message in html.unescape(response.content.decode())
    assert response.context["page"] is None
    # Nothing was searched, so nothing is logged as a search.
    assert not AccessEvent.objects.filter(user=world.auditor, action="search").exists()


def test_a_new_search_from_the_form_starts_from_the_latest(world, login):
    for index in range(60):
        event(world.chief, at=T0 + dt.timedelta(minutes=index))
    response = search(login(world.auditor), person=world.chief.employee_number)
    # The cursor is not a field of the form: searching again starts at the top.
    assert 'name="after"' not in response.content.decode()


# --- What a row shows ------------------------------------------------------------------------


def test_a_row_shows_who_what_where_and_the_flags(world, login, cards):
    yamada, _, _ = cards
    event(
        world.supervisor,
        at=T0,
        card=yamada,
        action=AccessEvent.Action.EXPORT,
        role="chief,supervisor",
        record_count=12,
        client_ip="10.1.2.3",
        out_of_scope=True,
        break_glass=True,
        summary="記録99999 出力",
    )
    page = search(login(world.auditor), start="2026-03-10", end="2026-03-10")
    person = reverse("accounts:audit_person", kwargs={"pk": world.supervisor.pk})
    history = reverse("accounts:audit_object", kwargs={"object_type": CARD, "object_id": yamada.pk})
    # The table's one row, cell by cell as the auditor reads it.
    table = by_role(page, "table", "閲覧記録（新しい順）")
    assert rows(table)[1] == [
        "2026年3月10日 09:00:00",
        f"{world.supervisor.full_name} {world.supervisor.employee_number}",
        "管理主任者・取扱責任者",
        "中央警察署",
        "出力",
        f"カード No.{yamada.pk}（中央警察署 駅前交番 第1受持区）",
        "成功",
        "12",
        "担当範囲外 緊急閲覧",
        "記録99999 出力",
        "10.1.2.3",
    ]
    assert link(table, world.supervisor.full_name)["href"] == person
    assert link(table, f"カード No.{yamada.pk}（中央警察署 駅前交番 第1受持区）")["href"] == history
    export = reverse("accounts:audit_event_export")
    assert any(href.startswith(f"{export}?") for _, href in links(page))


def test_no_card_contents_appear_whatever_is_searched(world, login, cards):
    yamada = cards[0]
    for card in cards:
        event(world.beat_officer, at=T0, card=card)
    client = login(world.auditor)
    for params in ({}, {"card": yamada.pk}, {"household": "すずき"}, {"station": 1}):
        text = search(client, **params).content.decode()
        for personal in (
            "山田",
            "鈴木",
            "佐藤",
            "花子",
            "笠原町",
            "北町",
            "029-123-4567",
            "水戸市",
        ):
            assert personal not in text, (params, personal)


# --- Who may search ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["beat_officer", "supervisor", "chief", "station_manager", "overall_manager", "staff"],
)
def test_only_hq_auditors_may_search(world, login, persona):
    response = login(getattr(world, persona)).get(URL)
    assert response.status_code == 403
    assert "閲覧記録の監査は本部の監査担当者のみが行えます。" in response.content.decode()


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_only_get_is_answered(world, login):
    assert login(world.auditor).post(URL).status_code == 405


# --- Queries ---------------------------------------------------------------------------------


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(
    world, login, cards, django_assert_num_queries
):
    yamada, suzuki, north = cards
    event(world.beat_officer, at=T0, card=yamada)
    for index in range(60):
        event(
            world.supervisor, at=T0 + dt.timedelta(minutes=index), card=(suzuki, north)[index % 2]
        )
    client = login(world.auditor)
    _queries(client, {})  # warm the session as a second page view would
    one = {"person": world.beat_officer.employee_number, "start": "2026-03-10"}
    sixty = {"person": world.supervisor.employee_number, "start": "2026-03-10"}
    with django_assert_num_queries(QUERIES):
        response = client.get(URL, one)
    assert len(shown(response)) == 1
    with django_assert_num_queries(QUERIES):
        response = client.get(URL, sixty)
    assert len(shown(response)) == 50
    # Several people (a part of the name): the name asked after the number (1 more), their
    # newest rows merged, then fetched (1 more).
    several = {"person": "職員", "start": "2026-03-10"}
    with django_assert_num_queries(QUERIES + 2):
        response = client.get(URL, several)
    assert len(response.context["page"].rows) == 50


@pytest.mark.parametrize("by", ["card", "day"])
def test_a_card_or_a_day_costs_the_same_queries_for_one_row_or_fifty(
    world, login, cards, django_assert_num_queries, by
):
    """No person to look up (1 fewer than QUERIES), whatever the number of rows: the card's
    labels in one query, the station list in one plain query (no server-side cursor)."""
    yamada, suzuki, _ = cards
    event(world.beat_officer, at=T0, card=yamada)
    for index in range(60):
        event(world.supervisor, at=T0 + dt.timedelta(days=1, minutes=index), card=suzuki)
    client = login(world.auditor)
    _queries(client, {})  # warm the session as a second page view would
    if by == "card":
        one, sixty = {"card": yamada.pk}, {"card": suzuki.pk}
    else:
        one = {"start": "2026-03-10", "end": "2026-03-10"}
        sixty = {"start": "2026-03-11", "end": "2026-03-11"}
    with django_assert_num_queries(QUERIES - 1):
        response = client.get(URL, one)
    assert len(shown(response)) == 1
    with django_assert_num_queries(QUERIES - 1) as captured:
        response = client.get(URL, sixty)
    assert len(response.context["page"].rows) == 50
    assert not any("DECLARE" in q["sql"] for q in captured.captured_queries)


# Session, user, OTP device (3); the person's ids (1); the events with user and station (1);
# the card labels (1); the insert of the log line (1); the station choices (1). The auditor's
# permissions and roles come from the grants cache; the session is not written.
QUERIES = 8
