"""Every list and search page says how many it found, and says so plainly when it found
nothing (issue 10, point 2). One pair of tests per page: the empty case, and a count."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import AccessEvent, Role
from liaison.night import services as night_services
from liaison.planning import services as planning_services
from tests.accounts.audit.anomaly_support import case
from tests.factories import UserFactory
from tests.html import text as page_text
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def text(response) -> str:
    """What the page says, spaces folded."""
    assert response.status_code == 200, response.status_code
    return page_text(response)


# --- 巡回連絡カード・巡回連絡簿 -------------------------------------------------------------------


def test_card_search_that_finds_nothing_says_so(world, login):
    make_household(world.beat_officer, world.beat_a1_1)
    page = text(login(world.beat_officer).get(reverse("liaison:card_search"), {"q": "鈴木"}))
    assert "検索結果：0件" in page
    assert "一致するカードはありません" in page


def test_card_search_counts_what_it_finds(world, login):
    make_household(world.beat_officer, world.beat_a1_1)
    make_household(world.beat_officer, world.beat_a1_1, banchi="2-2")
    page = text(login(world.beat_officer).get(reverse("liaison:card_search"), {"q": "やまだ"}))
    assert "検索結果：2件" in page
    assert "一致するカードはありません" not in page


def test_book_list_with_no_match_says_so(world, login):
    page = text(login(world.beat_officer).get(reverse("liaison:book_list"), {"q": "存在しない"}))
    assert "「存在しない」に一致する巡回連絡簿：0冊" in page
    assert "「存在しない」に一致する巡回連絡簿はありません" in page


def test_book_list_with_no_book_at_all_says_so(world, login):
    page = text(login(world.staff).get(reverse("liaison:book_list")))
    assert "巡回連絡簿：0冊" in page
    assert "閲覧できる巡回連絡簿はありません" in page


def test_book_list_counts_the_books(world, login):
    page = text(login(world.supervisor).get(reverse("liaison:book_list")))
    assert "巡回連絡簿：2冊" in page  # the two beats of his post


def test_book_search_that_finds_nothing_says_so(world, login):
    make_household(world.beat_officer, world.beat_a1_1)
    url = reverse("liaison:book_detail", args=[world.beat_a1_1.pk])
    page = text(login(world.beat_officer).get(url, {"q": "鈴木"}))
    assert "検索結果：0件" in page
    assert "条件に一致するカードはありません" in page


def test_an_empty_book_says_so(world, login):
    url = reverse("liaison:book_detail", args=[world.beat_a1_1.pk])
    page = text(login(world.beat_officer).get(url))
    assert "0件（地番順）" in page
    assert "まだカードが編てつされていません" in page


def test_a_book_counts_its_cards(world, login):
    make_household(world.beat_officer, world.beat_a1_1)
    make_household(world.beat_officer, world.beat_a1_1, banchi="2-2")
    url = reverse("liaison:book_detail", args=[world.beat_a1_1.pk])
    assert "2件（地番順）" in text(login(world.beat_officer).get(url))


def test_submitted_list_when_empty_says_so(world, login):
    page = text(login(world.beat_officer).get(reverse("liaison:submitted_list")))
    assert "0件" in page
    assert "いま編てつを待っているカードや下書きはありません" in page


def test_submitted_list_search_that_finds_nothing_says_so(world, login):
    make_household(world.beat_officer, world.beat_a1_1, draft=True)
    url = reverse("liaison:submitted_list")
    page = text(login(world.beat_officer).get(url, {"q": "鈴木"}))
    assert "「鈴木」の検索結果：0件" in page
    assert "条件に当てはまるカードはありません" in page


def test_submitted_list_counts_the_cards(world, login):
    make_household(world.beat_officer, world.beat_a1_1, draft=True)
    make_household(world.beat_officer, world.beat_a1_1, draft=True, banchi="2-2")
    page = text(login(world.beat_officer).get(reverse("liaison:submitted_list")))
    assert "2件" in page
    assert "ありません" not in page


# --- 夜間・引継ぎ・進捗・専従日・実施頻度 ---------------------------------------------------------


def test_night_list_when_empty_says_so(world, login):
    page = text(login(world.beat_officer).get(reverse("liaison:night_request_list")))
    assert "0件" in page
    assert "夜間巡回連絡の承認申請はまだありません" in page


def test_night_list_counts_the_requests(world, login):
    night_services.night_request_create(
        actor=world.beat_officer,
        date=timezone.localdate() + dt.timedelta(days=1),
        planned_start=dt.time(17, 30),
        planned_end=dt.time(19, 30),
        reason="日中不在の世帯を訪問するため",
    )
    page = text(login(world.beat_officer).get(reverse("liaison:night_request_list")))
    assert "1件" in page
    assert "承認申請はまだありません" not in page


def test_takeover_list_when_empty_says_so(world, login):
    # The 取扱責任者 of a 駐在所 whose beat has no officer assigned.
    newcomer = UserFactory()
    account_services.appointment_start(
        actor=None,
        user=newcomer,
        role=Role.SUPERVISOR,
        unit=world.post_a2,
        starts_on=timezone.localdate(),
    )
    page = text(login(newcomer).get(reverse("liaison:takeover_list")))
    assert "0件（確認待ち 0件）" in page
    assert "表示できる受持区の指定はありません" in page


def test_takeover_list_counts_the_assignments(world, login):
    page = text(login(world.chief).get(reverse("liaison:takeover_list")))
    assert "1件（確認待ち" in page  # the beat officer's assignment to beat A1-1
    assert "表示できる受持区の指定はありません" not in page


def test_overdue_list_when_empty_says_so(world, login):
    url = reverse("liaison:overdue_cards", args=[world.beat_a1_1.pk])
    page = text(login(world.chief).get(url))
    assert "0件" in page
    assert "期限を過ぎたカードはありません" in page


def test_overdue_list_counts_the_cards(world, login):
    # Never visited and filed a week ago: overdue since the day after it was filed.
    make_household(
        world.beat_officer, world.beat_a1_1, made_at=timezone.now() - dt.timedelta(days=7)
    )
    url = reverse("liaison:overdue_cards", args=[world.beat_a1_1.pk])
    page = text(login(world.chief).get(url))
    assert "1件" in page
    assert "期限を過ぎたカードはありません" not in page


def test_monthly_plans_count_the_officers(world, login):
    url = reverse("liaison:monthly_plans", args=[world.station_a.pk])
    assert "受持警察官 1人" in text(login(world.chief).get(url))
    url = reverse("liaison:monthly_plans", args=[world.station_b.pk])
    client = login(world.other_officer)
    assert "受持警察官 1人" in text(client.get(url))


def test_dedicated_days_of_a_month_without_any_say_so(world, login):
    url = reverse("liaison:dedicated_days", args=[world.station_a.pk])
    page = text(login(world.chief).get(url))
    assert "（0日分）" in page
    assert "の専従日はありません" in page


def test_dedicated_days_are_counted(world, login):
    planning_services.dedicated_day_set(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        date=timezone.localdate(),
    )
    page = text(
        login(world.chief).get(reverse("liaison:dedicated_days", args=[world.station_a.pk]))
    )
    assert "（1日分）" in page
    assert "の専従日はありません" not in page


def test_policy_history_when_never_changed_says_so(world, login):
    page = text(login(world.overall_manager).get(reverse("liaison:visit_policy")))
    assert "変更の履歴 0件" in page
    assert "まだ変更されていません" in page


# --- 監査 ---------------------------------------------------------------------------------------


def _event(user, at: dt.datetime, **fields) -> AccessEvent:
    return AccessEvent.objects.create(
        occurred_at=at,
        user=user,
        username=user.employee_number,
        role="beat_officer",
        action=AccessEvent.Action.VIEW,
        summary="閲覧",
        **fields,
    )


def test_audit_event_search_that_finds_nothing_says_so(world, login):
    url = reverse("accounts:audit_event_list")
    page = text(login(world.auditor).get(url, {"start": "2020-01-01", "end": "2020-01-01"}))
    assert "0件表示" in page
    assert "条件に当てはまる記録はありません" in page


def test_audit_event_search_counts_what_it_shows(world, login):
    at = dt.datetime(2020, 1, 1, 10, 0, tzinfo=TOKYO)
    _event(world.beat_officer, at)
    _event(world.beat_officer, at + dt.timedelta(minutes=1))
    url = reverse("accounts:audit_event_list")
    page = text(login(world.auditor).get(url, {"start": "2020-01-01", "end": "2020-01-01"}))
    assert "2件表示" in page


def test_a_persons_timeline_counts_and_says_when_empty(world, login):
    url = reverse("accounts:audit_person", args=[world.beat_officer.pk])
    client = login(world.auditor)
    empty = text(client.get(url, {"start": "2020-01-01", "end": "2020-01-01"}))
    assert "0件表示" in empty
    assert "この期間の記録はありません" in empty
    _event(world.beat_officer, dt.datetime(2020, 1, 1, 10, 0, tzinfo=TOKYO))
    assert "1件表示" in text(client.get(url, {"start": "2020-01-01", "end": "2020-01-01"}))


def test_an_objects_timeline_counts_and_says_when_empty(world, login):
    card = make_household(world.beat_officer, world.beat_a1_1)
    url = reverse("accounts:audit_object", args=["liaison.liaisoncard", card.pk])
    client = login(world.auditor)
    empty = text(client.get(url, {"start": "2020-01-01", "end": "2020-01-01"}))
    assert "0件表示" in empty
    assert "記録はありません" in empty
    _event(
        world.beat_officer,
        dt.datetime(2020, 1, 1, 10, 0, tzinfo=TOKYO),
        object_type="liaison.liaisoncard",
        object_id=str(card.pk),
    )
    assert "1件表示" in text(client.get(url, {"start": "2020-01-01", "end": "2020-01-01"}))


def test_case_list_when_empty_says_so(world, login):
    page = text(login(world.auditor).get(reverse("accounts:audit_case_list")))
    assert "0件" in page
    assert "該当する事案はありません" in page


def test_case_list_counts_the_cases(world, login):
    case(world.beat_officer)
    case(world.supervisor)
    page = text(login(world.auditor).get(reverse("accounts:audit_case_list")))
    assert "2件" in page
    assert "該当する事案はありません" not in page


def test_history_list_that_finds_nothing_says_so(world, login):
    url = reverse("accounts:audit_history_list")
    page = text(login(world.auditor).get(url, {"source": "vehicle"}))
    assert "0件表示しています" in page
    assert "該当する変更履歴はありません" in page


def test_history_list_counts_what_it_shows(world, login):
    make_household(world.beat_officer, world.beat_a1_1)
    url = reverse("accounts:audit_history_list")
    page = text(login(world.auditor).get(url, {"source": "card"}))
    assert "新しい順に1件表示しています" in page


def test_integrity_history_counts_and_says_when_empty(world, login):
    page = text(login(world.auditor).get(reverse("accounts:audit_integrity")))
    assert "検証の履歴 0件" in page
    assert "検証の履歴はありません" in page


# --- 職員・役職の管理 ------------------------------------------------------------------------------


def test_people_search_that_finds_nobody_says_so(world, login):
    url = reverse("accounts:user_list")
    page = text(login(world.overall_manager).get(url, {"q": "該当なし"}))
    assert "「該当なし」の検索結果：0人" in page
    assert "該当する職員はいません" in page


def test_people_search_counts_the_people(world, login):
    UserFactory(employee_number="880001", full_name="水戸 一", full_name_kana="ミト ハジメ")
    UserFactory(employee_number="880002", full_name="水戸 二", full_name_kana="ミト フタバ")
    page = text(login(world.overall_manager).get(reverse("accounts:user_list"), {"q": "水戸"}))
    assert "「水戸」の検索結果：2人" in page
