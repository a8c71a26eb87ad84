"""The alert pages as an author uses them (issue 13 point 5, 6): the list with its search
and count, the draft form with its category rules and the live privacy check, the edit
with the stale-edit check, and the preview exactly as the mail will read on a phone.

Time stands still at a Wednesday 10:00 Tokyo (office and sending hours) so that the tests
pass at any real hour."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from alerts.chain.models import Scope
from alerts.drafts import services
from alerts.drafts.models import Alert, AlertStatus, PlaceKind
from tests.html import by_label, field_error, soup
from tests.html import text as page_text

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO)
CLEAN_BODY = "〇〇市△△町1丁目の道路上で、下校中の女子児童が男に声をかけられました。"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def draft(aw, *, author=None, category="suspicious", **fields) -> Alert:
    """A draft through the service, as the station A 作成者 writes it (gunma's 不審者情報)."""
    values = {
        "scope": Scope.STATION,
        "title": "不審者（声かけ）情報",
        "body": CLEAN_BODY,
        "place": "中央市本町1丁目",
        "place_kind": PlaceKind.ROAD,
        "advice": "防犯ブザーを持ち歩きましょう。",
        "area_stations": [aw.station_a],
        **fields,
    }
    return services.alert_create(
        actor=author or aw.alert_author, category=aw.categories[category], **values
    )


def form_data(aw, **changes) -> dict:
    data = {
        "category": aw.categories["suspicious"].pk,
        "scope": Scope.STATION,
        "area_stations": [aw.station_a.pk],
        "title": "不審者（声かけ）情報",
        "body": CLEAN_BODY,
        "place": "中央市本町1丁目",
        "place_kind": PlaceKind.ROAD,
        "occurred_at": "2026-12-01T16:30",
        "advice": "防犯ブザーを持ち歩きましょう。",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- The list -----------------------------------------------------------------------------------


def test_the_author_finds_his_draft_in_the_list_with_the_count(alert_world, login):
    draft(alert_world)
    response = login(alert_world.alert_author).get(reverse("alerts:alert_list"))
    page = page_text(response)
    assert response.status_code == 200
    assert "配信：1件" in page
    assert "不審者（声かけ）情報" in page
    assert "新規作成" in page


def test_a_search_that_finds_nothing_says_so(alert_world, login):
    draft(alert_world)
    client = login(alert_world.alert_author)
    page = page_text(client.get(reverse("alerts:alert_list"), {"q": "交通規制"}))
    assert "条件に一致する配信：0件" in page
    assert "該当する配信はありません" in page
    page = page_text(client.get(reverse("alerts:alert_list"), {"status": AlertStatus.SENT}))
    assert "該当する配信はありません" in page


def test_an_approver_gets_no_new_button(alert_world, login):
    page = page_text(login(alert_world.alert_approver).get(reverse("alerts:alert_list")))
    assert "新規作成" not in page
    assert "該当する配信はありません" in page


def test_someone_without_an_alert_desk_is_refused_the_list(alert_world, login):
    response = login(alert_world.beat_officer).get(reverse("alerts:alert_list"))
    assert response.status_code == 403


def test_another_stations_author_does_not_see_the_draft(alert_world, login):
    draft(alert_world)
    page = page_text(login(alert_world.author_b).get(reverse("alerts:alert_list")))
    assert "不審者（声かけ）情報" not in page
    assert "該当する配信はありません" in page


def _list_queries(client, django_assert_num_queries, count: int) -> None:
    with django_assert_num_queries(count):
        assert client.get(reverse("alerts:alert_list")).status_code == 200


def test_the_list_query_count_does_not_grow_with_rows(
    alert_world, login, django_assert_num_queries
):
    draft(alert_world)
    client = login(alert_world.alert_author)
    client.get(reverse("alerts:alert_list"))  # the session's first read is not the page's
    _list_queries(client, django_assert_num_queries, LIST_QUERIES)
    for n in range(4):
        draft(alert_world, title=f"不審者情報その{n}")
    _list_queries(client, django_assert_num_queries, LIST_QUERIES)


LIST_QUERIES = 6


# --- Drafting -----------------------------------------------------------------------------------


def test_the_draft_form_wires_the_rules_box_and_the_live_check(alert_world, login):
    response = login(alert_world.alert_author).get(reverse("alerts:alert_create"))
    assert response.status_code == 200
    category = by_label(response, "配信区分")
    assert category["hx-get"] == reverse("alerts:category_rules")
    assert category["hx-target"] == "#category-rules"
    body = by_label(response, "本文")
    assert body["hx-post"] == reverse("alerts:privacy_check")
    assert body["hx-trigger"] == "keyup changed delay:500ms"
    assert "#id_title" in body["hx-include"] and "#id_advice" in body["hx-include"]
    page = page_text(response)
    assert "配信区分を選ぶと" in page
    assert "指摘はありません" in page


def test_the_author_saves_a_draft(alert_world, login):
    client = login(alert_world.alert_author)
    response = client.post(reverse("alerts:alert_create"), form_data(alert_world))
    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:alert_detail", args=[alert.pk])
    assert alert.status == AlertStatus.DRAFT
    assert alert.author_station == alert_world.station_a
    assert list(alert.area_stations.all()) == [alert_world.station_a]
    # 16:30 typed in Tokyo time is 07:30 UTC.
    assert alert.occurred_at == dt.datetime(2026, 12, 1, 7, 30, tzinfo=dt.UTC)


def test_a_draft_without_a_title_shows_the_error_at_the_field_and_keeps_the_text(
    alert_world, login
):
    client = login(alert_world.alert_author)
    response = client.post(
        reverse("alerts:alert_create"), form_data(alert_world, title="", advice="戸締まりを")
    )
    assert response.status_code == 200
    assert "件名を入力してください" in field_error(response, "件名")
    assert by_label(response, "本文").get_text().strip() == CLEAN_BODY
    assert by_label(response, "対策のポイント").get_text().strip() == "戸締まりを"
    assert not Alert.objects.exists()


def test_a_draft_shows_the_flags_of_what_was_typed(alert_world, login):
    client = login(alert_world.alert_author)
    response = client.post(
        reverse("alerts:alert_create"),
        form_data(alert_world, title="", body="〇〇公園で声をかけられた"),
    )
    assert "〇〇公園" in page_text(soup(response).find(id="privacy-flags"))


def test_an_approver_may_not_draft(alert_world, login):
    response = login(alert_world.alert_approver).get(reverse("alerts:alert_create"))
    assert response.status_code == 403


def test_the_author_edits_his_draft(alert_world, login):
    alert = draft(alert_world)
    client = login(alert_world.alert_author)
    url = reverse("alerts:alert_edit", args=[alert.pk])
    response = client.get(url)
    assert by_label(response, "件名")["value"] == "不審者（声かけ）情報"
    data = form_data(alert_world, title="不審者（つきまとい）情報", version=alert.version)
    response = client.post(url, data)
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.title == "不審者（つきまとい）情報"


def test_a_stale_edit_is_refused_and_loses_nothing(alert_world, login):
    alert = draft(alert_world)
    stale = alert.version
    services.alert_update(
        actor=alert_world.alert_author, alert=alert, version=stale, title="先に保存した件名"
    )
    client = login(alert_world.alert_author)
    response = client.post(
        reverse("alerts:alert_edit", args=[alert.pk]),
        form_data(alert_world, title="あとから書いた件名", version=stale),
    )
    assert response.status_code == 409
    assert "他の職員が先に更新しました" in page_text(response)
    assert by_label(response, "件名")["value"] == "あとから書いた件名"
    alert.refresh_from_db()
    assert alert.title == "先に保存した件名"


def test_someone_else_may_not_edit_the_draft(alert_world, login):
    alert = draft(alert_world)
    response = login(alert_world.alert_approver).get(reverse("alerts:alert_edit", args=[alert.pk]))
    assert response.status_code == 403


# --- The live privacy check and the rules box -------------------------------------------------------


def _check(client, **texts):
    return client.post(reverse("alerts:privacy_check"), texts, headers={"HX-Request": "true"})


def test_the_live_check_flags_a_park_by_name(alert_world, login):
    response = _check(login(alert_world.alert_author), body="〇〇公園で声をかけられました。")
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    page = page_text(response)
    assert "本文" in page
    assert "建物・店舗・事業所・学校・公園などの名称" in page
    assert "〇〇公園" in page
    assert "指摘はありません" not in page


def test_the_live_check_passes_a_place_to_the_banchi(alert_world, login):
    response = _check(
        login(alert_world.alert_author), body="〇〇市△△町1丁目の道路上で", place="〇〇市△△町1丁目"
    )
    assert "指摘はありません" in page_text(response)


def test_the_live_check_names_the_field_of_each_flag(alert_world, login):
    response = _check(
        login(alert_world.alert_author), place="中央町1丁目2番3号", advice="090-1234-5678へ"
    )
    page = page_text(response)
    assert "発生場所：番地より細かい場所「3号」" in page
    assert "対策のポイント：電話番号" in page


def test_the_rules_box_shows_the_categorys_rules(alert_world, login):
    category = alert_world.categories["request"]  # 情報提供依頼・防犯情報 (gunma)
    response = login(alert_world.alert_author).get(
        reverse("alerts:category_rules"), {"category": category.pk}
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "情報提供依頼・防犯情報" in page
    assert "緊急" in page
    assert "家族の了解" in page


def test_the_rules_box_of_an_unknown_category_is_the_placeholder(alert_world, login):
    response = login(alert_world.alert_author).get(
        reverse("alerts:category_rules"), {"category": "99999999"}
    )
    assert response.status_code == 200
    assert "配信区分を選ぶと" in page_text(response)


# --- The preview ------------------------------------------------------------------------------------


def test_the_preview_reads_as_the_mail_on_a_phone(alert_world, login):
    alert = draft(
        alert_world,
        # 23:30 on 1 December in Tokyo is 14:30 UTC: the mail says the Tokyo time.
        occurred_at=dt.datetime(2026, 12, 1, 14, 30, tzinfo=dt.UTC),
    )
    response = login(alert_world.alert_author).get(reverse("alerts:alert_preview", args=[alert.pk]))
    assert response.status_code == 200
    phone = soup(response).find(class_="phone")
    shown = page_text(phone)
    assert "【不審者情報】不審者（声かけ）情報" in shown
    assert CLEAN_BODY in shown
    assert "中央市本町1丁目（道路上）" in shown
    assert "2026年12月1日（火） 23:30ころ" in shown
    assert "防犯ブザーを持ち歩きましょう。" in shown
    assert "発信：" in shown and "中央警察署" in shown
    assert "配信の停止・変更" in shown
    # Phone width: the frame is held to 375px by the page's own stylesheet.
    assert "css/alerts.css" in response.content.decode()
    css = (Path(settings.BASE_DIR) / "static/css/alerts.css").read_text()
    rule = css[css.index(".phone {") :]
    assert "max-width: 375px" in rule[: rule.index("}")]


def test_the_preview_of_another_stations_alert_is_404(alert_world, login):
    alert = draft(alert_world)
    response = login(alert_world.author_b).get(reverse("alerts:alert_preview", args=[alert.pk]))
    assert response.status_code == 404
