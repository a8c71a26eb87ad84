"""The Atom feeds of the archive (issue 14 point 4): per area, per category and both; each
entry's id is stable, updated is the sending time, the link is the archive page; a
withdrawn entry says so without the body; the archive pages link the feed."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from alerts.archive import services
from tests.alerts.archive_kit import archived, scheduled, tokyo, went_out

pytestmark = pytest.mark.postgres

ATOM = {"a": "http://www.w3.org/2005/Atom"}
SENT = tokyo(2026, 12, 2, 10, 5)


def _feed(client, query: str = "") -> etree._Element:
    response = client.get(f"/anshin/archive/feed/{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return etree.fromstring(response.content)


def _entries(feed: etree._Element) -> list[dict[str, str]]:
    return [
        {
            "id": e.findtext("a:id", namespaces=ATOM),
            "title": e.findtext("a:title", namespaces=ATOM),
            "link": e.find("a:link", ATOM).get("href"),
            "updated": e.findtext("a:updated", namespaces=ATOM),
            "published": e.findtext("a:published", namespaces=ATOM),
            "summary": e.findtext("a:summary", namespaces=ATOM) or "",
        }
        for e in feed.findall("a:entry", ATOM)
    ]


def test_the_feed_lists_sent_alerts_with_stable_ids_links_and_times(
    alert_world, make_draft, client, settings
):
    older = archived(make_draft, "suspicious", title="先の配信", at=tokyo(2026, 12, 1, 23, 30))
    newer = archived(make_draft, "suspicious", title="後の配信", at=SENT)
    scheduled(make_draft("suspicious", title="予約中の配信"))
    feed = _feed(client)
    entries = _entries(feed)
    assert [e["title"] for e in entries] == ["後の配信", "先の配信"]
    domain, base = settings.ALERTS_SENDING_DOMAIN, settings.ALERTS_PUBLIC_BASE_URL
    # The Tokyo date is in the id: 23:30 on 1 December is still the 1st in the id.
    assert entries[1]["id"] == f"tag:{domain},2026-12-01:alert-{older.pk}"
    assert entries[0]["id"] == f"tag:{domain},2026-12-02:alert-{newer.pk}"
    assert entries[0]["link"] == f"{base}/anshin/archive/{newer.pk}/"
    assert entries[0]["updated"] == entries[0]["published"] == "2026-12-02T10:05:00+09:00"
    assert entries[1]["updated"] == "2026-12-01T23:30:00+09:00"
    assert newer.body in entries[0]["summary"]
    assert feed.findtext("a:title", namespaces=ATOM) == "あんしんメール 配信情報"
    # The same ids on a later read: a feed reader never shows an entry twice.
    assert [e["id"] for e in _entries(_feed(client))] == [e["id"] for e in entries]


def test_a_feed_per_area_and_category_and_both(alert_world, make_draft, client):
    m = alert_world.municipalities
    went_out(
        make_draft(
            "suspicious", title="中央市の不審者", area_stations=[], area_municipalities=[m["chuo"]]
        ),
        SENT,
    )
    went_out(
        make_draft(
            "fraud", title="中央市の詐欺", area_stations=[], area_municipalities=[m["chuo"]]
        ),
        SENT,
    )
    went_out(
        make_draft(
            "suspicious",
            title="北市の不審者",
            author=alert_world.author_b,
            area_stations=[alert_world.station_b],
        ),
        SENT,
    )

    def titles(query: str) -> list[str]:
        return sorted(e["title"] for e in _entries(_feed(client, query)))

    assert titles("?area=m-089001") == ["中央市の不審者", "中央市の詐欺"]
    assert titles("?category=suspicious") == ["中央市の不審者", "北市の不審者"]
    assert titles("?area=s-A01&category=suspicious") == ["中央市の不審者"]
    feed = _feed(client, "?area=m-089001&category=fraud")
    assert (
        feed.findtext("a:title", namespaces=ATOM) == "あんしんメール 配信情報（中央市・特殊詐欺等）"
    )


def test_a_withdrawn_entry_says_so_without_the_body(alert_world, make_draft, client):
    alert = archived(make_draft, "suspicious", at=SENT)
    services.alert_withdraw(
        actor=alert_world.alert_approver,
        alert=alert,
        reason="誤った内容を配信したため",
        now=tokyo(2026, 12, 2, 11, 0),
    )
    (entry,) = _entries(_feed(client))
    assert entry["title"] == f"【取消】{alert.title}"
    assert "この配信は取り消されました。" in entry["summary"]
    assert "誤った内容を配信したため" in entry["summary"]
    assert alert.body not in entry["summary"]
    assert entry["published"] == "2026-12-02T10:05:00+09:00"
    assert entry["updated"] == "2026-12-02T11:00:00+09:00"  # readers fetch it again


def test_an_unknown_area_or_category_has_no_feed(alert_world, client):
    assert client.get("/anshin/archive/feed/?area=m-999999").status_code == 404
    assert client.get("/anshin/archive/feed/?category=nope").status_code == 404
    assert client.post("/anshin/archive/feed/").status_code == 405


def test_the_archive_list_links_the_feed_of_its_filter(alert_world, client):
    page = BeautifulSoup(
        client.get("/anshin/archive/?area=m-089001&category=suspicious&month=2026-12").content,
        "html.parser",
    )
    link = page.find("link", rel="alternate", type="application/atom+xml")
    assert link["href"] == "/anshin/archive/feed/?area=m-089001&category=suspicious"
    assert link["title"] == "あんしんメール 配信情報（中央市・不審者情報）"
