"""One 巡回連絡簿: its cards in either 索引, the 受持区要覧, filters, search, buttons by
permission, the access log, and a query count that does not grow with the book."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from liaison.cards.models import LiaisonCard
from liaison.filing import services
from tests.html import rows as table_rows
from tests.html import soup
from tests.liaison.conftest import MEMBERS, make_business, make_household

pytestmark = pytest.mark.django_db


def url(beat, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("liaison:book_detail", kwargs={"pk": beat.pk}) + (f"?{query}" if query else "")


def person(name: str, kana: str, **extra) -> dict:
    return {"name": name, "kana": kana, "relationship": "head", **extra}


def names(response) -> list[str]:
    """The family names (or business names) of the listed cards, in page order."""
    return [row["head_name"].split()[0] for row in response.context["rows"]]


def rows(response) -> list[str]:
    """The card table's rows as text, in page order."""
    body = soup(response).find("tbody")
    return [" ".join(cells) for cells in table_rows(body)] if body else []


@pytest.fixture
def street(world):
    """Four households and a shop in beat A1-1, made out of order on purpose."""
    officer, beat = world.beat_officer, world.beat_a1_1
    return {
        "ten": make_household(
            officer, beat, banchi="10", members=[person("渡辺 一", "ワタナベ ハジメ")]
        ),
        "two": make_household(
            officer, beat, banchi="2", members=[person("相田 二郎", "アイダ ジロウ")]
        ),
        "two_b": make_household(
            officer,
            beat,
            banchi="2",
            building="コーポ笠原",
            room="101",
            members=[person("小林 三郎", "コバヤシ サブロウ")],
            care_elderly_alone=True,
        ),
        "other_town": make_household(
            officer, beat, town="赤塚", banchi="1", members=[person("田中 四郎", "タナカ シロウ")]
        ),
        "shop": make_business(officer, beat, banchi="3"),
    }


def test_the_beat_officer_sees_his_book_in_address_order(world, login, street):
    response = login(world.beat_officer).get(url(world.beat_a1_1))
    assert response.status_code == 200
    listed = names(response)
    # By 町字 (the other town's card is not in the middle of 笠原町), then 番地 as numbers
    # (2 before 3 before 10), then building and room.
    assert listed.index("田中") in (0, len(listed) - 1)
    assert [n for n in listed if n != "田中"] == ["相田", "小林", "笠原商店", "渡辺"]


def test_the_kana_index_orders_by_the_heads_furigana(world, login, street):
    response = login(world.beat_officer).get(url(world.beat_a1_1, order="kana"))
    text = " ".join(rows(response))
    order = [text.index(k) for k in ("アイダ", "カサハラ", "コバヤシ", "タナカ", "ワタナベ")]
    assert order == sorted(order)


def test_each_row_shows_what_the_paper_book_shows(world, login, street):
    LiaisonCard.objects.filter(pk=street["ten"].pk).update(last_visit_on=dt.date(2024, 5, 1))
    response = login(world.beat_officer).get(url(world.beat_a1_1))
    by_name = dict(zip(names(response), rows(response), strict=True))
    assert "2024年5月1日" in by_name["渡辺"]
    assert "未訪問" in by_name["相田"]
    assert "一人暮らしの高齢者" in by_name["小林"]
    assert "コーポ笠原 101" in by_name["小林"]
    assert "事業所・官公署" in by_name["笠原商店"]
    assert "編てつ済み" in by_name["渡辺"]
    content = response.content.decode()
    assert reverse("liaison:card_detail", kwargs={"pk": street["ten"].pk}) in content


def test_missing_and_declined_items_are_told_apart(world, login):
    make_household(
        world.beat_officer,
        world.beat_a1_1,
        phone="",
        declined=["residence_type"],
        residence_type="",
        members=[person("山本 五郎", "ヤマモト ゴロウ", declined=["birth_date"])],
    )
    response = login(world.beat_officer).get(url(world.beat_a1_1))
    (row,) = rows(response)
    html = response.content.decode()
    assert re.search(r'title="未記入：[^"]*電話番号', html)
    assert re.search(r'title="回答拒否：居住形態、世帯員の生年月日"', html)
    assert "電話番号" not in html.split('title="回答拒否', 1)[1].split('"', 2)[1]
    assert "未記入" in row and "回答拒否 2" in row


def test_the_summary_counts_the_beat(world, login, street):
    services.card_close(
        actor=world.beat_officer,
        card=street["ten"],
        version=street["ten"].version,
        reason="moved",
        closed_on=timezone.localdate(),
    )
    response = login(world.beat_officer).get(url(world.beat_a1_1))
    summary = response.context["summary"]
    assert summary["households"] == 3
    assert summary["businesses"] == 1
    assert summary["population"] == 3
    assert summary["elderly_alone"] == 1
    assert summary["never_visited"] == 4
    assert summary["closed"] == 1
    html = response.content.decode()
    assert "受持区要覧" in html and "人口（カード記載）" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "business"}, {"笠原商店"}),
        ({"attention": "on"}, {"小林"}),
        ({"never_visited": "on"}, {"相田", "小林", "田中", "笠原商店"}),
        ({"status": "closed"}, set()),
        ({"status": "all"}, {"渡辺", "相田", "小林", "田中", "笠原商店"}),
        ({"q": "ｺﾊﾞﾔｼ"}, {"小林"}),
        ({"q": "こばやし"}, {"小林"}),
        ({"q": "田中"}, {"田中"}),
        ({"q": "０２９２０００００１"}, {"笠原商店"}),
        ({"q": "029-200-0001"}, {"笠原商店"}),
        ({"kind": "nonsense"}, {"渡辺", "相田", "小林", "田中", "笠原商店"}),
    ],
)
def test_filters_and_search_narrow_the_book(world, login, street, params, expected):
    LiaisonCard.objects.filter(pk=street["ten"].pk).update(last_visit_on=dt.date(2024, 5, 1))
    response = login(world.beat_officer).get(url(world.beat_a1_1, **params))
    assert response.status_code == 200
    assert set(names(response)) == expected


def test_incomplete_lists_cards_with_missing_or_declined_items(world, login):
    complete = {
        "occupation": "会社員",
        "workplace": "水戸市役所",
        "phone": "090-1111-2222",
        "birth_date": dt.date(1980, 1, 1),
    }
    make_household(
        world.beat_officer,
        world.beat_a1_1,
        moved_in_on=dt.date(2020, 4, 1),
        emergency_name="山田 次郎",
        concerns="特になし",
        members=[person("完全 一", "カンゼン ハジメ", **complete)],
    )
    make_household(world.beat_officer, world.beat_a1_1, members=[person("不足 二", "フソク ジ")])
    response = login(world.beat_officer).get(url(world.beat_a1_1, incomplete="on"))
    assert names(response) == ["不足"]


def test_buttons_follow_the_users_permissions(world, login):
    create = reverse("liaison:book_card_create", kwargs={"pk": world.beat_a1_1.pk})
    export = reverse("liaison:book_export", kwargs={"pk": world.beat_a1_1.pk, "fmt": "csv"})
    officer_page = login(world.beat_officer).get(url(world.beat_a1_1)).content.decode()
    assert f"{create}?kind=household" in officer_page
    assert f"{create}?kind=business" in officer_page
    assert export not in officer_page
    assert reverse("liaison:card_search") in officer_page

    supervisor_page = login(world.supervisor).get(url(world.beat_a1_1)).content.decode()
    assert create in supervisor_page and export in supervisor_page

    manager_page = login(world.overall_manager).get(url(world.beat_a1_1)).content.decode()
    assert create not in manager_page and export not in manager_page

    station_page = login(world.station_manager).get(url(world.beat_a1_1)).content.decode()
    assert create not in station_page and export in station_page


@pytest.mark.parametrize(
    ("persona", "beat", "status"),
    [
        ("beat_officer", "beat_a1_1", 200),
        ("beat_officer", "beat_a1_2", 404),
        ("supervisor", "beat_a1_2", 200),
        ("supervisor", "beat_a2_1", 404),
        ("chief", "beat_a2_1", 200),
        ("station_manager", "beat_a2_1", 200),
        ("chief", "beat_b1_1", 404),
        ("overall_manager", "beat_b1_1", 200),
        ("staff", "beat_a1_1", 404),
        ("auditor", "beat_a1_1", 404),
        ("other_officer", "beat_a1_1", 404),
    ],
)
def test_a_book_outside_the_users_scope_is_not_found(world, login, persona, beat, status):
    response = login(world.people[persona]).get(url(getattr(world, beat)))
    assert response.status_code == status


def test_post_is_not_allowed(world, login):
    assert login(world.beat_officer).post(url(world.beat_a1_1)).status_code == 405


def test_the_page_is_logged_with_counts_but_never_the_search_words(world, login, street):
    client = login(world.beat_officer)
    client.get(url(world.beat_a1_1))
    client.get(url(world.beat_a1_1, q="コバヤシ"))
    listed, searched = AccessEvent.objects.filter(
        user=world.beat_officer, object_type="liaison.liaisonbook"
    ).order_by("pk")
    assert listed.action == AccessEvent.Action.LIST
    assert listed.object_id == str(world.beat_a1_1.pk)
    assert "5件" in listed.summary
    assert searched.action == AccessEvent.Action.SEARCH
    assert searched.summary.startswith("氏名・電話番号で検索 1件")
    assert "コバヤシ" not in searched.summary


def test_paging_keeps_the_order_and_filters(world, login, monkeypatch):
    from liaison.books import views as books

    monkeypatch.setattr(books, "BOOK_PAGE_SIZE", 2)
    for i in range(5):
        make_household(world.beat_officer, world.beat_a1_1, banchi=str(i + 1), members=[MEMBERS[0]])
    client = login(world.beat_officer)
    first = client.get(url(world.beat_a1_1, order="kana", kind="household"))
    assert "1 / 3ページ" in first.content.decode()
    assert "?order=kana&amp;kind=household&amp;page=2" in first.content.decode()
    second = client.get(url(world.beat_a1_1, order="kana", kind="household", page=2))
    assert len(rows(second)) == 2
    assert second.context["filters"]["order"] == "kana"


# フリガナ takes kana only: the number i written in kana digits (0 → ア … 9 → コ).
_KANA_DIGITS = "アイウエオカキクケコ"


def _kana_number(i: int) -> str:
    return "".join(_KANA_DIGITS[int(d)] for d in f"{i:02d}")


def _fill(officer, beat, count: int) -> None:
    for i in range(count):
        make_household(
            officer,
            beat,
            banchi=f"{i + 1}",
            members=[person(f"試験 {i}", f"シケン {_kana_number(i)}")],
            care_elderly_only=i % 2 == 0,
        )


@pytest.mark.parametrize(
    "params",
    [{}, {"order": "kana"}, {"never_visited": "on", "attention": "on"}, {"q": "シケン"}],
)
def test_the_query_count_does_not_grow_with_the_book(
    world, login, django_assert_num_queries, params
):
    small, large = world.beat_a1_1, world.beat_a1_2
    _fill(world.supervisor, small, 3)
    _fill(world.supervisor, large, 60)
    client = login(world.supervisor)
    client.get(url(small))  # a first request warms the session and content-type caches
    # session, user, OTP device; the book; rows and summary of its cards (with its
    # 要訪問・期限超過: the due rule's station instructions and policy, 2), and a count of the
    # rows when a filter narrows them (the summary counts the unfiltered list); the access
    # event. The user's permissions on the beat (for the buttons), the acting roles and the
    # menu come from the grants cache; the session is not written. None of them per card.
    queries = QUERIES if set(params) - {"order"} else QUERIES - 1
    with django_assert_num_queries(queries):
        small_page = client.get(url(small, **params))
    with django_assert_num_queries(queries):
        large_page = client.get(url(large, **params))
    assert small_page.status_code == large_page.status_code == 200
    # The large book fills a page (or 30 rows with 要配意), the small one lists 1-3.
    assert len(rows(large_page)) >= 30 > 3 >= len(rows(small_page)) > 0


QUERIES = 10
