"""Each archived alert as an OASIS CAP 1.2 message (Common Alerting Protocol, the schema
vendored in schema/CAP-v1.2.xsd), for the programs of municipalities, schools and the press.

- identifier: stable, ``alert-<pk>@<ALERTS_SENDING_DOMAIN>``; sender: that domain; sent: the
  time the fan-out began, in Tokyo time (+09:00).
- msgType: Alert for a 第1報, Update for a 続報・訂正・検挙等 (with <references> naming the
  first alert as "sender,identifier,sent"), Cancel once withdrawn: a message of its own
  (identifier ``alert-<pk>-cancel@…``, sent at the withdrawal) referencing the alert it
  cancels, with the reason in <note> and no body.
- info: ja-JP; the CAP category, urgency, severity and certainty mapped from the 配信区分
  (CAP_CATEGORIES, cap_urgency, cap_severity); event the category's name; headline,
  description (本文), instruction (対策のポイント), senderName (the unit), web (the archive
  page, absolute) and the area (areaDesc, and each municipality's 団体コード as a geocode).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from ..categories.models import Category
from ..drafts.models import Alert, AlertKind
from ..subscribers.services import public_url
from . import selectors

NS = "urn:oasis:names:tc:emergency:cap:1.2"
CONTENT_TYPE = "application/cap+xml; charset=utf-8"
SCHEMA_PATH = Path(__file__).parent / "schema" / "CAP-v1.2.xsd"
# 全国地方公共団体コード (JIS X 0402 with its check digit), as municipalities are stored.
GEOCODE_NAME = "JIS X 0402"

# The CAP category of each preset's 配信区分 (alerts.categories.defaults): crime and
# suspicious people are Security; a missing person is a search (Rescue); road accidents
# Safety, traffic control Transport; the rest Other. HQ may add categories: those fall back
# on cap_category's rule.
CAP_CATEGORIES: dict[str, str] = {
    # kagoshima (seed 003 3)
    "threat": "Security",
    "fugitive": "Security",
    "fraud-call": "Security",
    "useful": "Safety",
    "missing-elderly": "Rescue",
    # gunma (seed 004 別表)
    "suspicious": "Security",
    "incident": "Security",
    "fraud": "Security",
    "request": "Security",
    "traffic": "Safety",
    "traffic-control": "Transport",
    "notice": "Other",
}


def cap_category(category: Category, alert: Alert | None = None) -> str:
    if alert is not None and alert.is_missing_person:
        return "Rescue"  # 特異行方不明者・高齢者等の未帰宅手配 (seed 004 別表): a search
    if category.code in CAP_CATEGORIES:
        return CAP_CATEGORIES[category.code]
    return "Security" if category.is_urgent or category.is_immediate else "Other"


def cap_urgency(alert: Alert) -> str:
    """Immediate for an urgent category (may go outside the sending hours) and one to be
    reported 直ちに; Past for an arrest notice or a withdrawn alert; Expected otherwise."""
    if alert.withdrawn_at is not None or alert.kind == AlertKind.ARREST:
        return "Past"
    if alert.category.is_urgent or alert.category.is_immediate:
        return "Immediate"
    return "Expected"


def cap_severity(alert: Alert) -> str:
    """Severe where life is at risk (凶悪事案等逃走事案 and the like: 直ちに); Moderate for
    the other urgent categories; Minor for the rest."""
    if alert.withdrawn_at is not None or alert.kind == AlertKind.ARREST:
        return "Minor"
    if alert.category.is_immediate:
        return "Severe"
    if alert.category.is_urgent:
        return "Moderate"
    return "Minor"


def cap_certainty(alert: Alert) -> str:
    """Observed: the police report what happened (or was reported to them); Likely for a
    warning without an occurrence time."""
    return "Observed" if alert.occurred_at is not None else "Likely"


def cap_time(value: dt.datetime) -> str:
    """2026-12-02T10:00:00+09:00 (CAP forbids fractions and "Z")."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def identifier(alert: Alert) -> str:
    return f"alert-{alert.pk}@{settings.ALERTS_SENDING_DOMAIN}"


def cancel_identifier(alert: Alert) -> str:
    return f"alert-{alert.pk}-cancel@{settings.ALERTS_SENDING_DOMAIN}"


def reference(alert: Alert) -> str:
    """CAP's "sender,identifier,sent" of the alert's own message."""
    sent = alert.sending_started_at
    assert sent is not None  # noqa: S101 (only public alerts reach here)
    return f"{settings.ALERTS_SENDING_DOMAIN},{identifier(alert)},{cap_time(sent)}"


def archive_url(alert: Alert) -> str:
    return public_url(reverse("anshin:archive_detail", kwargs={"pk": alert.pk}))


def _add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = text
    return element


def alert_cap(alert: Alert) -> bytes:
    """The CAP 1.2 message of a public alert (alerts.archive.policy.is_public), as UTF-8."""
    withdrawn = alert.withdrawn_at is not None
    started = alert.sending_started_at
    assert started is not None  # noqa: S101 (only public alerts reach here)
    root = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    _add(root, "identifier", cancel_identifier(alert) if withdrawn else identifier(alert))
    _add(root, "sender", settings.ALERTS_SENDING_DOMAIN)
    _add(root, "sent", cap_time(alert.withdrawn_at if withdrawn else started))  # type: ignore[arg-type]
    _add(root, "status", "Actual")
    if withdrawn:
        msg_type = "Cancel"
    elif alert.kind != AlertKind.FIRST and alert.parent is not None:
        msg_type = "Update"
    else:
        msg_type = "Alert"
    _add(root, "msgType", msg_type)
    _add(root, "scope", "Public")
    if withdrawn:
        _add(root, "note", f"この配信は取り消されました。理由：{alert.withdrawn_reason}")
        _add(root, "references", reference(alert))
    elif msg_type == "Update":
        parent = alert.parent
        assert parent is not None  # noqa: S101 (a follow-up always names its first)
        if parent.sending_started_at is not None:
            _add(root, "references", reference(parent))

    info = _add(root, "info")
    _add(info, "language", "ja-JP")
    _add(info, "category", cap_category(alert.category, alert))
    _add(info, "event", alert.category.name)
    _add(info, "urgency", cap_urgency(alert))
    _add(info, "severity", cap_severity(alert))
    _add(info, "certainty", cap_certainty(alert))
    if alert.occurred_at is not None and not withdrawn:
        _add(info, "onset", cap_time(alert.occurred_at))
    name = selectors.sender_name(alert)
    if name:
        _add(info, "senderName", name)
    # A follow-up's title already says so (【続報】…, alerts.drafts.services.follow_up_start).
    _add(info, "headline", f"【取消】{alert.title}" if withdrawn else alert.title)
    if withdrawn:
        _add(info, "description", f"この配信は取り消されました。理由：{alert.withdrawn_reason}")
    else:
        _add(info, "description", alert.body)
        if alert.advice:
            _add(info, "instruction", alert.advice)
    _add(info, "web", archive_url(alert))
    area = _add(info, "area")
    _add(area, "areaDesc", selectors.area_text(alert) or selectors.WHOLE_PREFECTURE)
    for code in selectors.area_municipality_codes(alert):
        geocode = _add(area, "geocode")
        _add(geocode, "valueName", GEOCODE_NAME)
        _add(geocode, "value", code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@cache
def cap_schema() -> etree.XMLSchema:
    """The OASIS CAP 1.2 schema (schema/CAP-v1.2.xsd, read once; no network)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def cap_errors(document: bytes) -> list[str]:
    """What the schema finds wrong with a CAP document (empty when it is valid)."""
    schema = cap_schema()
    if schema.validate(etree.fromstring(document)):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]
