"""夜間巡回連絡の承認 through its pages: the officer asks (date, planned hours, beats,
reason), may withdraw before the decision after a confirmation; the 地域課長等 of his
station sees it on his home page, approves, or rejects with a reason; a decision is final;
the officer is told. Nobody else finds the request."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notice
from liaison.night import services
from liaison.night.models import NightVisitRequest
from tests.html import (
    all_by_role,
    by_label,
    by_role,
    form_fields,
    forms,
    links,
    name_of,
    rows,
    text,
)
from tests.liaison.views import page

from .conftest import DAY, approve_night, ask_night, at, detail_url, field_html, night_post

pytestmark = pytest.mark.django_db

Status = NightVisitRequest.Status
CREATE = "liaison:night_request_create"
LIST = "liaison:night_request_list"


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(at(10, 0), tick=False):
        yield


def withdraw_url(night) -> str:
    return reverse("liaison:night_request_withdraw", kwargs={"pk": night.pk})


def decide_url(night) -> str:
    return reverse("liaison:night_request_decide", kwargs={"pk": night.pk})


def status_of(night) -> str:
    return NightVisitRequest.objects.get(pk=night.pk).status


# --- Asking -----------------------------------------------------------------------------------


def test_the_form_starts_at_today_from_1700_to_2000(world, login):
    response = login(world.beat_officer).get(reverse(CREATE))
    assert response.status_code == 200
    html = page(response)
    assert by_label(html, "実施日")["value"] == "2026-11-30"
    assert by_label(html, "開始予定")["value"] == "17:00"
    assert by_label(html, "終了予定")["value"] == "20:00"
    assert by_label(html, "理由").name == "textarea"
    # One beat only: nothing to choose.
    assert not all_by_role(html, "group", "受持区（任意）")


def test_an_officer_of_two_beats_may_name_them(world, login, second_officer):
    from accounts import services as accounts_services

    accounts_services.beat_assignment_start(
        actor=None, officer=second_officer, beat=world.beat_a1_1, starts_on=DAY
    )
    client = login(second_officer)
    html = page(client.get(reverse(CREATE)))
    beats = all_by_role(by_label(html, "受持区（任意）"), "checkbox")
    assert [name_of(box) for box in beats] == ["駅前交番 第1受持区", "駅前交番 第2受持区"]
    client.post(reverse(CREATE), night_post(beats=[world.beat_a1_2.pk]))
    assert list(NightVisitRequest.objects.get().beats.all()) == [world.beat_a1_2]


def test_the_officer_asks_and_the_chief_is_told(world, login):
    client = login(world.beat_officer)
    response = client.post(reverse(CREATE), night_post())
    night = NightVisitRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(night)
    assert night.status == Status.PENDING and night.officer == world.beat_officer
    assert (night.planned_start, night.planned_end) == (dt.time(17, 30), dt.time(20, 0))
    assert night.station == world.station_a
    text = page(client.get(detail_url(night)))
    assert "11月30日の夜間巡回連絡の承認を申請しました。" in text
    assert "承認待ち" in text and "日中不在の世帯を訪問するため" in text
    assert "申請を取り下げる" in text and "承認する" not in text
    assert Notice.objects.filter(
        recipient=world.chief, title="夜間巡回連絡の承認申請があります", url=detail_url(night)
    ).exists()


def test_a_date_from_a_refused_visit_is_carried_to_the_form(world, login):
    html = page(login(world.beat_officer).get(reverse(CREATE) + "?date=2026-12-02"))
    assert by_label(html, "実施日")["value"] == "2026-12-02"
    html = page(login(world.beat_officer).get(reverse(CREATE) + "?date=yesterday"))
    assert by_label(html, "実施日")["value"] == "2026-11-30"


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"planned_end": "20:30"}, "planned_end", "夜間の巡回連絡は午後8時までに終える計画に"),
        ({"planned_end": "17:00"}, "planned_end", "終了予定は開始予定より後にしてください。"),
        ({"date": "2026-11-29"}, "date", "過ぎた日の承認は申請できません。"),
        ({"reason": ""}, "reason", "夜間に行う理由を入力してください"),
    ],
)
def test_a_refused_request_says_why_at_the_field(world, login, fields, field, reason):
    response = login(world.beat_officer).post(reverse(CREATE), night_post(**fields))
    assert response.status_code == 200
    assert reason in field_html(page(response), field)
    assert not NightVisitRequest.objects.exists()


def test_a_second_request_for_the_same_day_is_refused(world, login):
    ask_night(world)
    response = login(world.beat_officer).post(reverse(CREATE), night_post())
    assert "この日の申請はすでにあります" in field_html(page(response), "date")
    assert NightVisitRequest.objects.count() == 1


@pytest.mark.parametrize("persona", ["supervisor", "chief", "station_manager", "staff", "no_role"])
def test_only_an_officer_with_a_beat_may_ask(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(reverse(CREATE)).status_code == 403
    assert client.post(reverse(CREATE), night_post()).status_code == 403
    assert not NightVisitRequest.objects.exists()


# --- Withdrawing ------------------------------------------------------------------------------


def test_the_officer_withdraws_after_confirming(world, login):
    night = ask_night(world)
    client = login(world.beat_officer)
    confirm = client.post(withdraw_url(night))
    assert confirm.status_code == 200
    assert "この申請を取り下げます。" in page(confirm)
    assert any(form_fields(form).get("confirm") == "yes" for form in forms(confirm))
    assert status_of(night) == Status.PENDING  # nothing happens before the confirmation
    response = client.post(withdraw_url(night), {"confirm": "yes"})
    assert response["Location"] == detail_url(night)
    assert status_of(night) == Status.WITHDRAWN
    text = page(client.get(detail_url(night)))
    assert "申請を取り下げました。" in text and "<td>取下げ</td>" in text
    assert "申請を取り下げる" not in text


def test_a_withdrawn_day_may_be_asked_again(world, login):
    night = ask_night(world)
    services.night_request_withdraw(actor=world.beat_officer, night=night)
    login(world.beat_officer).post(reverse(CREATE), night_post())
    assert NightVisitRequest.objects.filter(status=Status.PENDING).count() == 1


def test_after_the_decision_withdrawing_is_refused(world, login):
    night = approve_night(world)
    client = login(world.beat_officer)
    response = client.post(withdraw_url(night), {"confirm": "yes"}, follow=True)
    assert "この申請はすでに「承認」です。決裁後は変更できません。" in page(response)
    # Without the confirmation too: there is nothing to confirm.
    response = client.post(withdraw_url(night), follow=True)
    assert "決裁後は変更できません。" in page(response)
    assert status_of(night) == Status.APPROVED


def test_only_the_officer_withdraws(world, login):
    night = ask_night(world)
    assert login(world.chief).post(withdraw_url(night), {"confirm": "yes"}).status_code == 403
    assert status_of(night) == Status.PENDING


# --- Deciding ---------------------------------------------------------------------------------


def test_the_chief_sees_it_on_his_home_page_and_approves(world, login):
    night = ask_night(world)
    client = login(world.chief)
    home = page(client.get(reverse("accounts:home")))
    assert "夜間巡回連絡の承認待ち" in home
    assert f'<a href="{detail_url(night)}">11月30日（月）</a>' in home
    assert "beat_officer 職員" in home and "17:30〜20:00" in home

    text = page(client.get(detail_url(night)))
    assert "承認する" in text and "不承認にする" in text and "申請を取り下げる" not in text
    response = client.post(decide_url(night), {"decision": "approve", "comment": "気をつけて"})
    assert response["Location"] == detail_url(night)
    night.refresh_from_db()
    assert night.status == Status.APPROVED and night.decided_by == world.chief
    assert night.decided_at == at(10, 0) and night.decision_comment == "気をつけて"
    text = page(client.get(detail_url(night)))
    assert "beat_officer 職員さんの11月30日の申請を承認しました。" in text
    assert "<td>承認</td><td>chief 職員</td><td>気をつけて</td>" in text
    assert "2026年11月30日 10:00" in text
    assert "承認する" not in text
    # Nothing waits any more: the panel is gone.
    assert "夜間巡回連絡の承認待ち" not in page(client.get(reverse("accounts:home")))


def test_the_officer_is_told_of_the_decision(world, login):
    night = ask_night(world)
    login(world.chief).post(decide_url(night), {"decision": "reject", "comment": "人員不足"})
    notice = Notice.objects.get(recipient=world.beat_officer)
    assert notice.title == "夜間巡回連絡の申請（11月30日）が不承認されました"
    assert notice.url == detail_url(night)
    home = page(login(world.beat_officer).get(reverse("accounts:home")))
    assert "夜間巡回連絡の申請（11月30日）が不承認されました" in home
    text = page(login(world.beat_officer).get(detail_url(night)))
    assert "<td>不承認</td><td>chief 職員</td><td>人員不足</td>" in text


def test_a_rejection_needs_a_reason(world, login):
    night = ask_night(world)
    response = login(world.chief).post(decide_url(night), {"decision": "reject", "comment": " "})
    assert response.status_code == 200
    assert "不承認の理由を入力してください。" in field_html(page(response), "comment")
    assert status_of(night) == Status.PENDING
    assert not Notice.objects.filter(recipient=world.beat_officer).exists()


def test_a_decision_cannot_be_changed(world, login):
    night = approve_night(world)
    client = login(world.chief)
    response = client.post(decide_url(night), {"decision": "reject", "comment": "やはり不要"})
    assert response["Location"] == detail_url(night)
    text = page(client.get(detail_url(night)))
    assert "この申請はすでに「承認」です。決裁後は変更できません。" in text
    night.refresh_from_db()
    assert night.status == Status.APPROVED and night.decision_comment == ""


def test_a_decide_without_a_decision_is_malformed(world, login):
    night = ask_night(world)
    response = login(world.chief).post(decide_url(night), {"decision": "maybe"})
    assert response.status_code == 400
    assert "承認か不承認かを選んでください。" in page(response)
    assert status_of(night) == Status.PENDING


@pytest.mark.parametrize("persona", ["beat_officer", "station_manager", "supervisor"])
def test_only_the_chief_decides(world, login, persona):
    night = ask_night(world)
    client = login(getattr(world, persona))
    if persona != "supervisor":  # the station manager reads the station's requests
        assert "承認する" not in page(client.get(detail_url(night)))
    response = client.post(decide_url(night), {"decision": "approve"})
    assert response.status_code == (404 if persona == "supervisor" else 403)
    assert status_of(night) == Status.PENDING


# --- Nobody else finds it ---------------------------------------------------------------------


def _not_found(client, night) -> None:
    assert client.get(detail_url(night)).status_code == 404
    assert client.post(withdraw_url(night), {"confirm": "yes"}).status_code == 404
    assert client.post(decide_url(night), {"decision": "approve"}).status_code == 404
    assert status_of(night) == Status.PENDING


def test_another_officer_of_the_station_does_not_find_it(world, login, second_officer):
    night = ask_night(world)
    _not_found(login(second_officer), night)
    assert "11月30日" not in page(login(second_officer).get(reverse(LIST)))


def test_an_officer_of_another_station_does_not_find_it(world, login):
    _not_found(login(world.other_officer), ask_night(world))


def test_the_chief_of_another_station_does_not_find_it(world, login, chief_b):
    night = ask_night(world)
    _not_found(login(chief_b), night)
    assert "夜間巡回連絡の承認待ち" not in page(login(chief_b).get(reverse("accounts:home")))


# --- The list and the menu --------------------------------------------------------------------


def test_the_list_shows_own_and_the_stations_requests_with_a_filter(world, login, second_officer):
    mine = approve_night(world)
    theirs = ask_night(world, second_officer)
    ask_night(world, world.other_officer)  # station B
    officer = page(login(world.beat_officer).get(reverse(LIST)))
    assert detail_url(mine) in officer and detail_url(theirs) not in officer
    assert "夜間巡回連絡の承認を申請" in officer
    chief = page(login(world.chief).get(reverse(LIST)))
    assert detail_url(mine) in chief and detail_url(theirs) in chief
    assert "北口" not in chief and "2件" in chief
    assert "夜間巡回連絡の承認を申請</a>" not in chief
    pending = page(login(world.chief).get(reverse(LIST) + "?state=pending"))
    assert detail_url(theirs) in pending and detail_url(mine) not in pending
    manager = page(login(world.station_manager).get(reverse(LIST)))
    assert detail_url(mine) in manager and detail_url(theirs) in manager


def test_a_state_not_in_the_list_shows_every_request(world, login):
    approved = approve_night(world)
    pending = ask_night(world, day=DAY + dt.timedelta(days=1))
    html = page(login(world.beat_officer).get(reverse(LIST) + "?state=bogus"))
    assert detail_url(approved) in html and detail_url(pending) in html
    assert "2件" in text(html)


def test_the_list_is_paged(world, login):
    for days in range(27):
        ask_night(world, day=DAY + dt.timedelta(days=days))
    client = login(world.beat_officer)
    first = page(client.get(reverse(LIST)))
    assert "27件" in first and "1 / 2ページ" in first
    second = page(client.get(reverse(LIST) + "?page=2"))
    assert "2 / 2ページ" in text(second)
    assert len([cells for cells in rows(second) if "承認待ち" in cells]) == 2


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("beat_officer", True),
        ("chief", True),
        ("station_manager", True),
        ("overall_manager", True),
        ("supervisor", False),
        ("staff", False),
        ("no_role", False),
    ],
)
def test_the_menu_entry(world, login, persona, shown):
    home = login(getattr(world, persona)).get(reverse("accounts:home"))
    menu = by_role(home, "navigation", "メインメニュー")
    assert (reverse(LIST) in [href for _, href in links(menu)]) is shown


def _many_requests(world, count: int) -> None:
    for days in range(count):
        night = ask_night(world, day=DAY + dt.timedelta(days=days))
        if days % 2:
            services.night_request_decide(actor=world.chief, night=night, approve=True)


def test_the_list_costs_the_same_whatever_its_length(world, login, django_assert_num_queries):
    client = login(world.chief)
    client.get(reverse(LIST))
    _many_requests(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(LIST)).status_code == 200
    # Its own reads: the count, and one page of rows with officer, station and decider
    # joined. The rest (session, menu, header) is the same on every page.
    own = [q["sql"] for q in small.captured_queries if "liaison_nightvisitrequest" in q["sql"]]
    assert len(own) == 2
    NightVisitRequest.objects.all().delete()
    _many_requests(world, 25)
    with django_assert_num_queries(len(small)):
        response = client.get(reverse(LIST))
    assert "25件" in page(response)


def test_the_home_panel_costs_the_same_whatever_waits(world, login):
    client = login(world.chief)
    client.get(reverse("accounts:home"))
    ask_night(world)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("accounts:home"))
        return len(queries)

    one = cost()
    for days in range(1, 15):
        ask_night(world, day=DAY + dt.timedelta(days=days))
    assert cost() == one
    html = page(client.get(reverse("accounts:home")))
    assert sum(cells.count("beat_officer 職員") for cells in rows(html)) == 10
    assert "承認待ちの申請をすべて見る" in html
