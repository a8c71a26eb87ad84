"""The records a category needs before anyone approves (issue 13 point 2): each one missing
refuses the report at its field and leaves the draft as it was, with no step laid."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.exceptions import DomainError
from alerts.drafts import services as alert_services
from alerts.drafts.models import AlertKind, AlertStatus, ConsentBy
from tests.alerts.conftest import OFFICE_MORNING, build_alert_world, through_the_chain

pytestmark = pytest.mark.postgres


@pytest.fixture
def kagoshima(world, use_preset):
    use_preset("kagoshima")
    return build_alert_world(world, "kagoshima")


def _refused_at(alert, field: str, now: dt.datetime = OFFICE_MORNING) -> str:
    with pytest.raises(DomainError) as refused:
        alert_services.alert_submit(actor=alert.author, alert=alert, version=alert.version, now=now)
    assert refused.value.field == field
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DRAFT
    assert not alert.steps.exists()
    return refused.value.message


def _draft(world_, code: str, **fields):
    values = {
        "title": "注意喚起",
        "body": "中央市本町1丁目の道路上で発生しました。",
        "area_stations": [world_.station_a],
        **fields,
    }
    return alert_services.alert_create(
        actor=world_.alert_author, category=world_.categories[code], **values
    )


THREAT_RECORDS = {
    "case_number": "R8-000123",
    "consent_by": ConsentBy.GUARDIAN,
    "consent_on": dt.date(2026, 12, 1),
    "victim_is_minor": True,
}


def test_a_threat_case_needs_its_registration_number(kagoshima):
    alert = _draft(kagoshima, "threat", **{**THREAT_RECORDS, "case_number": ""})
    assert "事案登録番号" in _refused_at(alert, "case_number")


def test_a_threat_case_needs_who_consented(kagoshima):
    alert = _draft(kagoshima, "threat", **{**THREAT_RECORDS, "consent_by": ""})
    _refused_at(alert, "consent_by")


def test_a_minor_victims_case_needs_the_guardians_consent(kagoshima):
    """Seed 003 6⑵: 少年の場合は少年の保護者等."""
    alert = _draft(kagoshima, "threat", **{**THREAT_RECORDS, "consent_by": ConsentBy.VICTIM})
    assert _refused_at(alert, "consent_by") == "被害者が少年のときは、保護者等の承諾が必要です。"


def test_an_adult_victims_case_needs_her_own_consent(kagoshima):
    alert = _draft(kagoshima, "threat", **{**THREAT_RECORDS, "victim_is_minor": False})
    assert "本人の承諾" in _refused_at(alert, "consent_by")


def test_a_threat_case_needs_the_day_of_consent(kagoshima):
    alert = _draft(kagoshima, "threat", **{**THREAT_RECORDS, "consent_on": None})
    _refused_at(alert, "consent_on")


def test_the_day_of_consent_is_not_in_the_future(kagoshima):
    alert = _draft(kagoshima, "threat", **{**THREAT_RECORDS, "consent_on": dt.date(2026, 12, 3)})
    _refused_at(alert, "consent_on")


def test_with_every_record_a_threat_case_is_reported(kagoshima):
    alert = _draft(kagoshima, "threat", **THREAT_RECORDS)
    alert = alert_services.alert_submit(
        actor=alert.author, alert=alert, version=alert.version, now=OFFICE_MORNING
    )
    assert alert.status == AlertStatus.IN_REVIEW


def test_a_missing_elderly_person_needs_the_publication_request(kagoshima):
    """Seed 003 6⑵: 公表要請書の「公表の方法」欄で「県警あんしんメール」をチェック."""
    alert = _draft(kagoshima, "missing-elderly", publication_request=False)
    assert "公表要請書" in _refused_at(alert, "publication_request")


def test_a_missing_person_alert_needs_the_familys_consent(alert_world):
    """Seed 004 別表: 特異行方不明者に関する手配は、原則として家族の了解を得てから."""
    alert = _draft(alert_world, "request", is_missing_person=True)
    _refused_at(alert, "family_consent_on")
    # Other requests for information need no such record.
    other = _draft(alert_world, "request")
    alert_services.alert_submit(
        actor=other.author, alert=other, version=other.version, now=OFFICE_MORNING
    )


def test_a_station_scope_needs_an_area(alert_world):
    alert = _draft(alert_world, "suspicious", area_stations=[])
    _refused_at(alert, "area_stations")


def test_a_municipality_is_an_area(alert_world):
    alert = _draft(
        alert_world,
        "suspicious",
        area_stations=[],
        area_municipalities=[alert_world.municipalities["chuo"]],
    )
    alert = alert_services.alert_submit(
        actor=alert.author, alert=alert, version=alert.version, now=OFFICE_MORNING
    )
    assert alert.status == AlertStatus.IN_REVIEW


def test_one_stations_scope_names_one_station(alert_world):
    alert = _draft(
        alert_world,
        "suspicious",
        area_municipalities=[alert_world.municipalities["kita"]],
    )
    _refused_at(alert, "scope")


def test_the_time_of_occurrence_is_not_in_the_future(alert_world):
    alert = _draft(alert_world, "suspicious", occurred_at=OFFICE_MORNING + dt.timedelta(hours=1))
    _refused_at(alert, "occurred_at")


# --- An arrest notice: after the press release (seed 004 別表) -----------------------------


def _sent(alert_world, code: str):
    return through_the_chain(_draft(alert_world, code))


def test_an_arrest_notice_needs_the_press_release_time(alert_world):
    first = _sent(alert_world, "incident")
    arrest = alert_services.follow_up_start(
        actor=alert_world.alert_author, parent=first, kind=AlertKind.ARREST
    )
    assert "報道発表日時" in _refused_at(arrest, "press_released_at")


def test_an_arrest_notice_waits_for_the_press_release(alert_world):
    first = _sent(alert_world, "incident")
    arrest = alert_services.follow_up_start(
        actor=alert_world.alert_author, parent=first, kind=AlertKind.ARREST
    )
    later = OFFICE_MORNING + dt.timedelta(hours=2)
    arrest = alert_services.alert_update(
        actor=alert_world.alert_author,
        alert=arrest,
        version=arrest.version,
        press_released_at=later,
    )
    assert "報道発表がまだです" in _refused_at(arrest, "press_released_at")
    arrest = alert_services.alert_submit(
        actor=arrest.author, alert=arrest, version=arrest.version, now=later
    )
    assert arrest.status == AlertStatus.IN_REVIEW


def test_an_arrest_notice_of_a_category_without_the_rule_needs_no_press_release(alert_world):
    first = _sent(alert_world, "suspicious")
    arrest = alert_services.follow_up_start(
        actor=alert_world.alert_author, parent=first, kind=AlertKind.ARREST
    )
    arrest = alert_services.alert_submit(
        actor=arrest.author, alert=arrest, version=arrest.version, now=OFFICE_MORNING
    )
    assert arrest.status == AlertStatus.IN_REVIEW
