"""The alert pages along the chain (issue 13 points 4, 6, 8, 9): the alert's page and its
buttons, reporting (a missing record shown at its field), each step's decision, an
approver's override of a privacy flag, the inbox (「直ちに」 first, the waits), the sender's
confirmation, cancelling and follow-ups; 404 for anyone outside the alert's scope.

Time stands still at a Wednesday 10:00 Tokyo unless a test moves it, so that the tests pass
at any real hour. The gunma preset runs unless a test says otherwise: station A's 作成者 →
運用責任者 → 運用管理者 → 発信操作担当者 for a station-wide alert."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from alerts.drafts import policy, services
from alerts.drafts.models import Alert, AlertKind, AlertStatus, DecisionAction, PlaceKind
from alerts.subscribers.models import Subscriber
from tests.alerts.conftest import build_alert_world
from tests.alerts.test_drafts_views import draft
from tests.html import field_error, soup
from tests.html import text as page_text

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def reported(aw, **fields) -> Alert:
    alert = draft(aw, **fields)
    return services.alert_submit(actor=aw.alert_author, alert=alert, version=alert.version)


def current(alert: Alert):
    return policy.current_step(alert)


def approved(aw, **fields) -> Alert:
    """Through the 運用責任者 and the 運用管理者: at the SEND step."""
    alert = reported(aw, **fields)
    alert = services.alert_approve(actor=aw.alert_reviewer, alert=alert, step=current(alert))
    return services.alert_approve(actor=aw.alert_approver, alert=alert, step=current(alert))


def subscribe(aw, address: str, *, category: str = "suspicious") -> Subscriber:
    subscriber = Subscriber.objects.create(
        email=address, whole_prefecture=True, confirmed_at=timezone.now()
    )
    subscriber.categories.add(aw.categories[category])
    return subscriber


# --- The alert's page ---------------------------------------------------------------------------


def test_the_author_sees_his_draft_with_its_buttons(alert_world, login):
    alert = draft(alert_world)
    response = login(alert_world.alert_author).get(reverse("alerts:alert_detail", args=[alert.pk]))
    page = page_text(response)
    assert response.status_code == 200
    assert "作成中" in page
    assert "編集する" in page and "報告する（承認申請）" in page and "取りやめる" in page
    assert "まだ報告（承認申請）されていません" in page
    assert "指摘はありません" in page


@pytest.mark.parametrize(
    "url_name",
    [
        "alerts:alert_detail",
        "alerts:alert_preview",
        "alerts:alert_edit",
        "alerts:alert_send",
        "alerts:alert_cancel",
    ],
)
def test_an_alert_outside_the_users_scope_is_404(alert_world, login, url_name):
    alert = reported(alert_world)
    client = login(alert_world.author_b)
    assert client.get(reverse(url_name, args=[alert.pk])).status_code == 404


def test_a_step_outside_the_users_scope_is_404(alert_world, login):
    alert = reported(alert_world)
    url = reverse("alerts:alert_decide", args=[alert.pk, current(alert).pk])
    assert login(alert_world.approver_b).get(url).status_code == 404


def test_the_alert_page_shows_the_chain_and_every_decision(alert_world, login, frozen):
    alert = reported(alert_world)
    frozen.shift(dt.timedelta(hours=2, minutes=5))
    alert = services.alert_approve(
        actor=alert_world.alert_reviewer, alert=alert, step=current(alert), comment="確認しました"
    )
    frozen.shift(dt.timedelta(minutes=30))
    response = login(alert_world.alert_approver).get(
        reverse("alerts:alert_detail", args=[alert.pk])
    )
    chain = soup(response).find("table", class_="steps")
    rows = [page_text(tr) for tr in chain.find_all("tr")[1:]]
    assert "運用責任者" in rows[0] and "済" in rows[0] and "reviewer" in rows[0]
    assert "2時間5分" in rows[0]
    assert "審査中" in rows[1] and "30分" in rows[1]
    page = page_text(response)
    assert "報告（承認申請）" in page and "確認しました" in page
    assert "審査する（承認・差戻し）" in page


# --- Reporting --------------------------------------------------------------------------------------


def test_the_author_reports_his_draft(alert_world, login):
    alert = draft(alert_world)
    client = login(alert_world.alert_author)
    response = client.post(
        reverse("alerts:alert_submit", args=[alert.pk]), {"version": alert.version}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.IN_REVIEW
    assert current(alert).label == "運用責任者の確認"


def test_a_report_missing_a_record_shows_it_at_its_field(alert_world, login):
    # 情報提供依頼・防犯情報 of a 特異行方不明者 needs the family's consent first (seed 004 別表).
    alert = draft(alert_world, category="request", is_missing_person=True)
    client = login(alert_world.alert_author)
    response = client.post(
        reverse("alerts:alert_submit", args=[alert.pk]), {"version": alert.version}
    )
    assert response.status_code == 200
    assert field_error(response, "家族の了解を得た日")
    assert "家族の了解を得た日" in page_text(response)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DRAFT


# --- Decisions ------------------------------------------------------------------------------------


def test_the_reviewer_approves_and_the_alert_moves_on(alert_world, login):
    alert = reported(alert_world)
    url = reverse("alerts:alert_decide", args=[alert.pk, current(alert).pk])
    client = login(alert_world.alert_reviewer)
    page = page_text(client.get(url))
    assert "運用責任者の確認" in page and "指摘はありません" in page
    response = client.post(url, {"decision": "approve", "comment": ""})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert current(alert).label == "運用管理者の承認"


def test_a_return_needs_a_comment(alert_world, login):
    alert = reported(alert_world)
    url = reverse("alerts:alert_decide", args=[alert.pk, current(alert).pk])
    client = login(alert_world.alert_reviewer)
    response = client.post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 200
    assert "意見（直すべき点）を入力してください" in field_error(response, "意見")
    response = client.post(url, {"decision": "return", "comment": "場所をもっと広く"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DRAFT


def test_the_author_may_not_decide_on_his_own_draft(alert_world, login, world):
    alert = reported(alert_world)
    url = reverse("alerts:alert_decide", args=[alert.pk, current(alert).pk])
    response = login(alert_world.alert_author).get(url)
    assert response.status_code == 403
    assert "自分が作成した配信文は承認できません" in page_text(response)


def test_a_later_step_may_not_be_decided_first(alert_world, login):
    alert = reported(alert_world)
    later = alert.steps.get(order=2)
    response = login(alert_world.alert_approver).post(
        reverse("alerts:alert_decide", args=[alert.pk, later.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert "前の段階の承認が済んでいません" in page_text(response)
    alert.refresh_from_db()
    assert current(alert).order == 1


def test_the_last_approver_of_an_urgent_category_may_send_outside_the_hours(alert_world, login):
    # 事件発生・検挙情報 is urgent (gunma). The 運用管理者 is the last approver.
    alert = reported(alert_world, category="incident", title="強盗事件の発生")
    alert = services.alert_approve(
        actor=alert_world.alert_reviewer, alert=alert, step=current(alert)
    )
    url = reverse("alerts:alert_decide", args=[alert.pk, current(alert).pk])
    client = login(alert_world.alert_approver)
    assert "配信時間外でも直ちに配信する" in page_text(client.get(url))
    client.post(url, {"decision": "approve", "send_urgently": "on"})
    alert.refresh_from_db()
    assert alert.send_urgently is True


def test_a_non_urgent_category_offers_no_urgent_mark(alert_world, login):
    alert = reported(alert_world)
    alert = services.alert_approve(
        actor=alert_world.alert_reviewer, alert=alert, step=current(alert)
    )
    url = reverse("alerts:alert_decide", args=[alert.pk, current(alert).pk])
    assert "配信時間外でも直ちに配信する" not in page_text(
        login(alert_world.alert_approver).get(url)
    )


# --- Privacy flags and overrides ----------------------------------------------------------------


def test_a_flag_blocks_approval_until_the_approver_overrides_it(alert_world, login):
    alert = reported(alert_world, body="〇〇公園で、女子児童が男に声をかけられました。")
    step = current(alert)
    url = reverse("alerts:alert_decide", args=[alert.pk, step.pk])
    client = login(alert_world.alert_reviewer)
    page = page_text(client.get(url))
    assert "〇〇公園" in page and "この指摘を承認する" in page
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 200  # refused, shown on the page
    assert "個人情報の指摘が残っています" in page_text(response)
    assert current(alert).pk == step.pk
    response = client.post(
        reverse("alerts:alert_override", args=[alert.pk]),
        {
            "kind": "proper_name",
            "fragment": "〇〇公園",
            "reason": "架空の名称（伏せ字）",
            "next": url,
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    page = page_text(client.get(url))
    assert "承認済み" in page and "架空の名称（伏せ字）" in page
    assert client.post(url, {"decision": "approve"}).status_code == 302
    assert current(alert).order == 2


def test_the_author_may_not_override_a_flag(alert_world, login):
    alert = reported(alert_world, body="〇〇公園で、女子児童が男に声をかけられました。")
    response = login(alert_world.alert_author).post(
        reverse("alerts:alert_override", args=[alert.pk]),
        {"kind": "proper_name", "fragment": "〇〇公園", "reason": "問題ない"},
    )
    assert response.status_code == 403
    assert not alert.overrides.exists()


# --- The inbox --------------------------------------------------------------------------------------


def test_the_inbox_lists_an_immediate_alert_first(world, login, use_preset, frozen):
    use_preset("kagoshima")
    aw = build_alert_world(world, "kagoshima")
    useful = reported(
        aw, category="useful", title="有益情報のお知らせ", area_stations=[aw.station_a]
    )
    frozen.shift(dt.timedelta(hours=1))
    fugitive = reported(aw, category="fugitive", title="凶器を持った男の逃走")
    response = login(aw.alert_approver).get(reverse("alerts:inbox"))
    items = soup(response).find_all(class_="inbox__item")
    assert [page_text(i.find("h2")) for i in items] == [
        "直ちに 凶器を持った男の逃走",
        "有益情報のお知らせ",
    ]
    assert useful.pk != fugitive.pk


def test_an_urgent_alert_shows_how_long_it_has_waited(world, login, use_preset, frozen):
    use_preset("kagoshima")
    aw = build_alert_world(world, "kagoshima")
    reported(aw, category="fugitive", title="凶器を持った男の逃走")
    frozen.shift(dt.timedelta(hours=17, minutes=3))
    response = login(aw.alert_approver).get(reverse("alerts:inbox"))
    prominent = page_text(soup(response).find(class_="wait--prominent"))
    assert "17時間3分" in prominent


def test_the_author_does_not_find_his_own_alert_in_his_inbox(alert_world, login):
    reported(alert_world)
    page = page_text(login(alert_world.alert_author).get(reverse("alerts:inbox")))
    assert "承認待ちの配信はありません" in page


def test_the_inbox_query_count_does_not_grow_with_rows(
    alert_world, login, django_assert_num_queries
):
    reported(alert_world)
    client = login(alert_world.alert_reviewer)
    client.get(reverse("alerts:inbox"))
    with django_assert_num_queries(INBOX_QUERIES):
        assert "承認待ち：1件" in page_text(client.get(reverse("alerts:inbox")))
    for n in range(3):
        reported(alert_world, title=f"不審者情報その{n}")
    with django_assert_num_queries(INBOX_QUERIES):
        assert "承認待ち：4件" in page_text(client.get(reverse("alerts:inbox")))


INBOX_QUERIES = 5


# --- The sender's confirmation ---------------------------------------------------------------------


def test_the_sender_sees_the_rules_the_count_and_when_it_goes(alert_world, login):
    alert = approved(alert_world)
    subscribe(alert_world, "a@example.jp")
    subscribe(alert_world, "b@example.jp")
    response = login(alert_world.alert_sender).get(reverse("alerts:alert_send", args=[alert.pk]))
    assert response.status_code == 200
    page = page_text(response)
    assert "配信先の件数：2件" in page
    assert "不審者（車両）目撃情報" in page  # the category's definition
    assert "直ちに配信" in page
    assert "a@example.jp" not in page  # counts only, never an address


def test_the_send_page_refuses_without_the_ticks(alert_world, login):
    alert = approved(alert_world)
    client = login(alert_world.alert_sender)
    response = client.post(reverse("alerts:alert_send", args=[alert.pk]), {"shown_count": 0})
    assert response.status_code == 200
    assert field_error(response, "配信区分の内容を確認しました")
    assert field_error(response, "配信先の件数を確認しました")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.APPROVED


def test_the_sender_confirms_and_the_alert_is_queued(alert_world, login):
    alert = approved(alert_world)
    subscribe(alert_world, "a@example.jp")
    response = login(alert_world.alert_sender).post(
        reverse("alerts:alert_send", args=[alert.pk]),
        {"shown_count": 1, "confirm_rules": "on", "confirm_count": "on"},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SCHEDULED
    assert alert.decisions.filter(action=DecisionAction.SEND).exists()


def test_a_stale_count_is_refused_and_the_new_one_shown(alert_world, login):
    alert = approved(alert_world)
    subscribe(alert_world, "a@example.jp")
    client = login(alert_world.alert_sender)
    response = client.post(
        reverse("alerts:alert_send", args=[alert.pk]),
        {"shown_count": 0, "confirm_rules": "on", "confirm_count": "on"},
    )
    assert response.status_code == 200
    assert "配信先の件数：1件" in page_text(response)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.APPROVED


def test_outside_the_sending_hours_the_page_says_it_waits_for_seven(alert_world, login, frozen):
    alert = approved(alert_world)
    frozen.move_to(dt.datetime(2026, 12, 2, 21, 0, tzinfo=TOKYO))
    page = page_text(
        login(alert_world.alert_sender).get(reverse("alerts:alert_send", args=[alert.pk]))
    )
    assert "配信時間外" in page
    assert "2026年12月3日 07:00に配信されます" in page


def test_the_author_may_not_send(alert_world, login):
    alert = approved(alert_world)
    response = login(alert_world.alert_author).get(reverse("alerts:alert_send", args=[alert.pk]))
    assert response.status_code == 403


# --- Cancelling and follow-ups --------------------------------------------------------------------


def test_the_author_cancels_his_draft_with_a_reason(alert_world, login):
    alert = draft(alert_world)
    client = login(alert_world.alert_author)
    url = reverse("alerts:alert_cancel", args=[alert.pk])
    response = client.post(url, {"reason": "重複して作成した"})
    assert response.status_code == 200
    assert field_error(response, "この配信を取りやめます（元に戻せません）")
    response = client.post(url, {"reason": "重複して作成した", "confirm": "on"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CANCELLED


def test_a_follow_up_starts_from_a_queued_alert(alert_world, login):
    alert = approved(alert_world)
    services.alert_send(
        actor=alert_world.alert_sender, alert=alert, confirmed=True, recipient_count=0
    )
    client = login(alert_world.alert_author)
    page = page_text(client.get(reverse("alerts:alert_detail", args=[alert.pk])))
    assert "続報・訂正・検挙の報を作成する" in page
    response = client.post(
        reverse("alerts:follow_up_create", args=[alert.pk]), {"kind": AlertKind.ARREST}
    )
    follow_up = Alert.objects.get(parent=alert)
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:alert_edit", args=[follow_up.pk])
    assert follow_up.kind == AlertKind.ARREST
    assert follow_up.place_kind == PlaceKind.ROAD
    page = page_text(client.get(reverse("alerts:alert_detail", args=[alert.pk])))
    assert "検挙・指導・警告" in page
