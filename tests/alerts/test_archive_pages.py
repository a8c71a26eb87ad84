"""The public archive (issue 14 point 4): only alerts that went out, newest first, by area,
category and month in Tokyo time (23:30 and 00:30 at a month's edge), with a count and
pages; an alert's page with its fields, its first alert and follow-ups; a withdrawn alert
says so and no longer shows its body; anything not sent is a 404, whoever asks."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from alerts.archive import services
from alerts.drafts import services as alert_services
from alerts.drafts.models import AlertStatus
from tests.alerts.archive_kit import archived, follow_up, scheduled, tokyo, went_out

pytestmark = pytest.mark.postgres

SENT = tokyo(2026, 12, 2, 10, 5)


def _page(client, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:500]
    return BeautifulSoup(response.content, "html.parser")


def _titles(page: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in page.select(".archive-item > a")]


def _count(page: BeautifulSoup) -> str:
    return page.select_one(".count").get_text(strip=True)


def _out(make_draft, title: str, at=SENT, code: str = "suspicious", **fields):
    """A draft given the queue's marks straight away: the archive does not look at the chain."""
    return went_out(make_draft(code, title=title, **fields), at)


def test_only_alerts_that_went_out_are_listed_newest_first(alert_world, make_draft, client):
    archived(make_draft, "suspicious", title="送信済みの配信", at=tokyo(2026, 12, 1, 9, 0))
    went_out(scheduled(make_draft("suspicious", title="送信中の配信")), SENT, done=False)
    make_draft("suspicious", title="作成中の配信")
    scheduled(make_draft("suspicious", title="予約中の配信"))
    cancelled = make_draft("suspicious", title="取りやめた配信")
    alert_services.alert_cancel(actor=cancelled.author, alert=cancelled, reason="重複")
    in_review = make_draft("suspicious", title="審査中の配信")
    alert_services.alert_submit(actor=in_review.author, alert=in_review, version=1)

    page = _page(client, "/anshin/archive/")
    assert _titles(page) == ["送信中の配信", "送信済みの配信"]
    assert _count(page) == "2件"


def test_the_list_filters_by_area_with_prefecture_wide_alerts_everywhere(
    alert_world, make_draft, client
):
    m = alert_world.municipalities
    _out(make_draft, "中央市の配信", area_stations=[], area_municipalities=[m["chuo"]])
    _out(make_draft, "南町の配信", area_stations=[], area_municipalities=[m["minami"]])
    _out(make_draft, "中央署管内の配信", at=tokyo(2026, 12, 2, 9, 0))
    _out(
        make_draft,
        "北署管内の配信",
        area_stations=[alert_world.station_b],
        author=alert_world.author_b,
    )
    _out(make_draft, "県内全域の配信", scope="prefecture", author=alert_world.seian_author)

    by_chuo = _titles(_page(client, "/anshin/archive/?area=m-089001"))
    assert sorted(by_chuo) == sorted(["中央市の配信", "中央署管内の配信", "県内全域の配信"])
    by_station_a = _titles(_page(client, "/anshin/archive/?area=s-A01"))
    assert sorted(by_station_a) == sorted(
        ["中央市の配信", "南町の配信", "中央署管内の配信", "県内全域の配信"]
    )
    by_kita = _titles(_page(client, "/anshin/archive/?area=m-089003"))
    assert sorted(by_kita) == sorted(["北署管内の配信", "県内全域の配信"])
    assert _count(_page(client, "/anshin/archive/?area=m-089003")) == "2件（絞り込み中）"


def test_the_list_filters_by_category(alert_world, make_draft, client):
    _out(make_draft, "不審者の配信")
    _out(make_draft, "詐欺の配信", code="fraud")
    assert _titles(_page(client, "/anshin/archive/?category=fraud")) == ["詐欺の配信"]
    page = _page(client, "/anshin/archive/?category=fraud&area=m-089001")
    assert _titles(page) == ["詐欺の配信"]


def test_months_are_tokyo_months_at_both_edges(alert_world, make_draft, client):
    # 23:30 on 30 November in Tokyo is 14:30 UTC; 00:30 on 1 December is still 30 November
    # in UTC (15:30): a UTC month would put both in November.
    _out(make_draft, "11月30日23時30分の配信", at=tokyo(2026, 11, 30, 23, 30))
    _out(make_draft, "12月1日0時30分の配信", at=tokyo(2026, 12, 1, 0, 30))
    _out(make_draft, "12月31日23時30分の配信", at=tokyo(2026, 12, 31, 23, 30))
    _out(make_draft, "1月1日0時30分の配信", at=tokyo(2027, 1, 1, 0, 30))
    assert _titles(_page(client, "/anshin/archive/?month=2026-11")) == ["11月30日23時30分の配信"]
    assert _titles(_page(client, "/anshin/archive/?month=2026-12")) == [
        "12月31日23時30分の配信",
        "12月1日0時30分の配信",
    ]
    assert _titles(_page(client, "/anshin/archive/?month=2027-01")) == ["1月1日0時30分の配信"]
    page = _page(client, "/anshin/archive/?month=2026-12")
    assert "2026年12月1日 00:30" in page.get_text()  # shown in Tokyo time too


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("area=m-999999", "area", "地域は一覧から選んでください。"),
        ("category=nope", "category", "配信区分は一覧から選んでください。"),
        ("month=2026-13", "month", "配信月は「2026-12」の形で入力してください。"),
        ("month=%00%FF", "month", "NUL文字"),
    ],
)
def test_bad_filters_are_an_error_at_the_field(query, field, message, alert_world, client):
    page = _page(client, f"/anshin/archive/?{query}", status=400)
    assert message in page.select_one(f"#field-{field} .field__error").get_text()


def test_the_list_has_pages_and_a_count_in_pinned_queries(
    alert_world, make_draft, client, django_assert_max_num_queries
):
    for index in range(21):
        _out(make_draft, f"配信{index:02d}", at=tokyo(2026, 12, 1, 8, index))
    with django_assert_max_num_queries(10):
        page = _page(client, "/anshin/archive/")
    assert _count(page) == "21件"
    assert len(_titles(page)) == 20 and _titles(page)[0] == "配信20"
    assert "1 / 2ページ" in page.select_one(".pagination").get_text()
    assert _titles(_page(client, "/anshin/archive/?page=2")) == ["配信00"]


def test_an_alerts_page_shows_what_residents_read(alert_world, make_draft, client):
    alert = archived(
        make_draft,
        "suspicious",
        at=SENT,
        area_municipalities=[alert_world.municipalities["chuo"]],
    )
    page = _page(client, f"/anshin/archive/{alert.pk}/")
    text = page.get_text()
    assert page.h1.get_text(strip=True) == alert.title
    for shown in [
        "不審者情報",  # category
        "第1報",
        "2026年12月2日 10:05",
        "中央警察署管内、中央市",
        alert.body,
        alert.advice,
        "中央警察署",
    ]:
        assert shown in text
    crumbs = [li.get_text(strip=True) for li in page.select(".breadcrumbs li")]
    assert crumbs == ["あんしんメール", "配信情報の一覧", alert.title]
    feed = page.find("link", rel="alternate", type="application/atom+xml")
    assert feed["href"] == "/anshin/archive/feed/"


def test_a_follow_up_links_to_the_first_and_the_first_lists_it(alert_world, make_draft, client):
    first = archived(make_draft, "suspicious", at=SENT)
    later = went_out(scheduled(follow_up(first)), tokyo(2026, 12, 3, 9, 0))
    unsent = follow_up(first)  # a draft 続報: never listed
    page = _page(client, f"/anshin/archive/{later.pk}/")
    assert page.find("a", href=f"/anshin/archive/{first.pk}/").get_text() == first.title
    page = _page(client, f"/anshin/archive/{first.pk}/")
    assert page.find("a", href=f"/anshin/archive/{later.pk}/").get_text() == later.title
    assert "続報：" in page.get_text()
    assert page.find("a", href=f"/anshin/archive/{unsent.pk}/") is None


def test_a_withdrawn_alert_says_so_and_hides_its_body(alert_world, make_draft, client):
    alert = archived(make_draft, "suspicious", at=SENT)
    services.alert_withdraw(
        actor=alert_world.alert_approver,
        alert=alert,
        reason="個人が特定されるおそれがあったため",
        now=tokyo(2026, 12, 2, 11, 0),
    )
    text = _page(client, f"/anshin/archive/{alert.pk}/").get_text()
    assert "この配信は取り消されました" in text
    assert "個人が特定されるおそれがあったため" in text
    assert alert.body not in text and alert.advice not in text
    listed = _titles(_page(client, "/anshin/archive/"))
    assert listed == [f"【取消】{alert.title}"]


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "cancelled", "approved"])
def test_an_alert_not_sent_is_a_404(state, alert_world, make_draft, client):
    alert = make_draft("suspicious")
    if state == "in_review":
        alert_services.alert_submit(actor=alert.author, alert=alert, version=1)
    elif state == "scheduled":
        scheduled(alert)
    elif state == "cancelled":
        alert_services.alert_cancel(actor=alert.author, alert=alert, reason="重複")
    elif state == "approved":
        # The queue's mark without the status (a fan-out that never began for it).
        went_out(alert, SENT)
        type(alert).objects.filter(pk=alert.pk).update(status=AlertStatus.APPROVED)
    page = _page(client, f"/anshin/archive/{alert.pk}/", status=404)
    assert "配信情報が見つかりません" in page.get_text()
    assert alert.body not in page.get_text()
    assert client.get("/anshin/archive/999999/").status_code == 404
