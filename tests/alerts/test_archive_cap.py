"""CAP 1.2 of the archive (issue 14 point 4): every category of both presets gives a message
valid against the vendored OASIS schema, with category, urgency, area and times mapped; a
follow-up is an Update referencing its first alert; a withdrawn alert is a Cancel without
its body; the URL serves application/cap+xml to anyone, and 404 for what is not sent."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from alerts.archive import cap, services
from alerts.categories.defaults import CATEGORIES
from alerts.drafts.models import AlertKind
from tests.alerts.archive_kit import archived, follow_up, scheduled, tokyo, went_out

pytestmark = pytest.mark.postgres

NS = {"c": "urn:oasis:names:tc:emergency:cap:1.2"}
SENT = tokyo(2026, 12, 2, 10, 5)


def _parsed(document: bytes) -> etree._Element:
    assert cap.cap_errors(document) == []
    return etree.fromstring(document)


def _text(root: etree._Element, path: str) -> str | None:
    return root.findtext(path, namespaces=NS)


def test_the_vendored_schema_is_the_official_one_and_refuses_a_wrong_message():
    # The official file carries OASIS's notice and namespace; a message with a msgType CAP
    # does not know is refused, so the validity tests below can fail.
    text = cap.SCHEMA_PATH.read_text(encoding="utf-8")
    assert "Copyright OASIS Open 2010 All Rights Reserved" in text
    assert 'targetNamespace = "urn:oasis:names:tc:emergency:cap:1.2"' in text
    bad = (
        b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier>'
        b"<sender>s</sender><sent>2026-12-02T10:00:00+09:00</sent><status>Actual</status>"
        b"<msgType>Notice</msgType><scope>Public</scope></alert>"
    )
    assert cap.cap_errors(bad)


@pytest.mark.parametrize(
    ("any_preset", "code"),
    [(preset, spec.code) for preset, specs in CATEGORIES.items() for spec in specs],
    indirect=["any_preset"],
)
def test_every_categorys_cap_is_valid_and_mapped(
    any_preset, code, alert_world, make_draft, settings
):
    category = alert_world.categories[code]
    alert = archived(make_draft, code, at=SENT, occurred_at=tokyo(2026, 12, 1, 16, 0))
    root = _parsed(cap.alert_cap(alert))

    assert _text(root, "c:identifier") == f"alert-{alert.pk}@{settings.ALERTS_SENDING_DOMAIN}"
    assert _text(root, "c:sender") == settings.ALERTS_SENDING_DOMAIN
    assert _text(root, "c:sent") == "2026-12-02T10:05:00+09:00"
    assert (_text(root, "c:status"), _text(root, "c:msgType"), _text(root, "c:scope")) == (
        "Actual",
        "Alert",
        "Public",
    )
    assert root.find("c:references", NS) is None
    info = root.find("c:info", NS)
    assert _text(info, "c:language") == "ja-JP"
    assert _text(info, "c:category") == cap.CAP_CATEGORIES[code]
    assert _text(info, "c:event") == category.name
    urgent = category.is_urgent or category.is_immediate
    assert _text(info, "c:urgency") == ("Immediate" if urgent else "Expected")
    assert _text(info, "c:severity") == (
        "Severe" if category.is_immediate else "Moderate" if urgent else "Minor"
    )
    assert _text(info, "c:certainty") == "Observed"
    assert _text(info, "c:onset") == "2026-12-01T16:00:00+09:00"
    assert _text(info, "c:headline") == alert.title
    assert _text(info, "c:description") == alert.body
    assert _text(info, "c:instruction") == alert.advice
    assert _text(info, "c:senderName") == "中央警察署"
    assert _text(info, "c:web") == f"{settings.ALERTS_PUBLIC_BASE_URL}/anshin/archive/{alert.pk}/"
    # Station A's area: its name, and the 団体コード of both its municipalities.
    assert _text(info, "c:area/c:areaDesc") == "中央警察署管内"
    codes = [g.findtext("c:value", namespaces=NS) for g in info.findall("c:area/c:geocode", NS)]
    assert codes == ["089001", "089002"]


def test_the_categories_cover_both_presets_and_only_cap_values():
    codes = {spec.code for specs in CATEGORIES.values() for spec in specs}
    assert set(cap.CAP_CATEGORIES) == codes
    allowed = {"Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env"}
    allowed |= {"Transport", "Infra", "CBRNE", "Other"}
    assert set(cap.CAP_CATEGORIES.values()) <= allowed


def test_a_prefecture_wide_alert_reads_the_whole_prefecture(alert_world, make_draft):
    # Prefecture-wide alerts come from the HQ division in charge (seed 004 4⑷イ).
    alert = archived(
        make_draft, "suspicious", author=alert_world.seian_author, scope="prefecture", at=SENT
    )
    root = _parsed(cap.alert_cap(alert))
    assert _text(root, "c:info/c:area/c:areaDesc") == "県内全域"
    assert root.find("c:info/c:area/c:geocode", NS) is None
    assert _text(root, "c:info/c:certainty") == "Likely"  # no occurrence time given
    assert _text(root, "c:info/c:senderName") == "生活安全企画課"


def test_a_missing_person_search_is_rescue(alert_world, make_draft):
    alert = archived(
        make_draft,
        "request",
        at=SENT,
        is_missing_person=True,
        family_consent_on=dt.date(2026, 12, 1),
    )
    root = _parsed(cap.alert_cap(alert))
    assert _text(root, "c:info/c:category") == "Rescue"


def test_a_follow_up_is_an_update_naming_its_first_alert(alert_world, make_draft, settings):
    first = archived(make_draft, "suspicious", at=SENT)
    later = went_out(scheduled(follow_up(first)), tokyo(2026, 12, 3, 9, 0))
    root = _parsed(cap.alert_cap(later))
    assert _text(root, "c:msgType") == "Update"
    domain = settings.ALERTS_SENDING_DOMAIN
    assert _text(root, "c:references") == (
        f"{domain},alert-{first.pk}@{domain},2026-12-02T10:05:00+09:00"
    )
    assert _text(root, "c:identifier") == f"alert-{later.pk}@{domain}"


def test_an_arrest_notice_is_past_and_minor(alert_world, make_draft):
    first = archived(make_draft, "suspicious", at=SENT)
    arrest = went_out(scheduled(follow_up(first, AlertKind.ARREST)), tokyo(2026, 12, 3, 9, 0))
    root = _parsed(cap.alert_cap(arrest))
    assert (_text(root, "c:msgType"), _text(root, "c:info/c:urgency")) == ("Update", "Past")
    assert _text(root, "c:info/c:severity") == "Minor"


def test_a_withdrawn_alert_is_a_cancel_without_its_body(alert_world, make_draft, settings):
    alert = archived(make_draft, "incident", at=SENT)
    services.alert_withdraw(
        actor=alert_world.alert_hq_approver,
        alert=alert,
        reason="被害者が特定されるおそれがあるため",
        now=tokyo(2026, 12, 2, 11, 0),
    )
    alert.refresh_from_db()
    document = cap.alert_cap(alert)
    root = _parsed(document)
    domain = settings.ALERTS_SENDING_DOMAIN
    assert _text(root, "c:msgType") == "Cancel"
    assert _text(root, "c:identifier") == f"alert-{alert.pk}-cancel@{domain}"
    assert _text(root, "c:sent") == "2026-12-02T11:00:00+09:00"
    assert _text(root, "c:references") == (
        f"{domain},alert-{alert.pk}@{domain},2026-12-02T10:05:00+09:00"
    )
    assert "被害者が特定されるおそれがあるため" in _text(root, "c:note")
    assert alert.body.encode() not in document
    assert alert.advice.encode() not in document
    assert root.find("c:info/c:instruction", NS) is None


def test_the_cap_url_serves_cap_xml_to_anyone(alert_world, make_draft, client):
    alert = archived(make_draft, "suspicious", at=SENT)
    response = client.get(f"/anshin/archive/{alert.pk}/cap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/cap+xml")
    assert _text(_parsed(response.content), "c:info/c:headline") == alert.title


def test_the_cap_of_an_alert_not_sent_is_a_404(alert_world, make_draft, client):
    waiting = scheduled(make_draft("suspicious"))
    response = client.get(f"/anshin/archive/{waiting.pk}/cap.xml")
    assert response.status_code == 404
    assert waiting.body not in response.content.decode()
