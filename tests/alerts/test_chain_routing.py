"""Seed 003 4, the kagoshima way: a station's report reaches the category's 係 in 執務時間
and its off-hours desk outside them — 脅威事犯 the 犯罪抑止対策係 (4⑴), 凶悪事案等逃走事案 the
総合当直 (4⑵) — at the edges of the office day, on a Saturday, a national holiday and in the
year-end break. The route is fixed when reported."""

from __future__ import annotations

import datetime as dt

import pytest

from alerts.drafts import policy, selectors
from alerts.drafts import services as alert_services
from tests.alerts.conftest import build_alert_world

pytestmark = pytest.mark.postgres

TOKYO = dt.timezone(dt.timedelta(hours=9))
IN_HOURS = "in"
OUT = "out"
MOMENTS = [
    ("2026-12-02 08:29", OUT),  # Wednesday
    ("2026-12-02 08:30", IN_HOURS),
    ("2026-12-02 17:14", IN_HOURS),
    ("2026-12-02 17:15", OUT),
    ("2026-12-05 10:00", OUT),  # Saturday
    ("2026-11-03 10:00", OUT),  # 文化の日
    ("2026-12-30 10:00", OUT),  # 年末年始
]
# category -> {in or out of hours: (division code, 係 or None, who holds the desk)}
ROUTES = {
    "threat": {
        IN_HOURS: ("seian-kikaku", "子供・女性の安全対策係", "seian_approver"),
        OUT: ("seian-kikaku", "犯罪抑止対策係", "seian_approver"),
    },
    "fugitive": {
        IN_HOURS: ("seian-kikaku", "犯罪抑止対策係", "seian_approver"),
        OUT: ("sogo-toku", None, "duty_officer"),
    },
}


@pytest.fixture
def kagoshima(world, use_preset):
    use_preset("kagoshima")
    return build_alert_world(world, "kagoshima")


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TOKYO)


def _desk_step(kagoshima, code: str, reported: dt.datetime):
    alert = alert_services.alert_create(
        actor=kagoshima.alert_author,
        category=kagoshima.categories[code],
        title="注意喚起",
        body="中央市本町1丁目の道路上で発生しました。",
        area_stations=[kagoshima.station_a],
        case_number="R8-000777",
        consent_by="victim",
        consent_on=dt.date(2026, 11, 1),
    )
    alert = alert_services.alert_submit(
        actor=kagoshima.alert_author, alert=alert, version=alert.version, now=reported
    )
    # The 署長 judges first (5⑴ア), then the report reaches HQ.
    station_step = policy.current_step(alert)
    alert = alert_services.alert_approve(
        actor=kagoshima.alert_approver, alert=alert, step=station_step, now=reported
    )
    return alert, policy.current_step(alert)


@pytest.mark.parametrize("code", sorted(ROUTES))
@pytest.mark.parametrize(("moment", "hours"), MOMENTS)
def test_the_report_reaches_the_desk_of_the_hour(kagoshima, code, moment, hours):
    _alert, step = _desk_step(kagoshima, code, _at(moment))
    division, section, holder = ROUTES[code][hours]
    assert step.label == "本部担当係の審査"
    assert step.division == kagoshima.divisions[division]
    assert (step.section.name if step.section else None) == section
    assert selectors.step_holders(step) == [getattr(kagoshima, holder)]
    assert step in selectors.inbox_steps(getattr(kagoshima, holder))
    other = "duty_officer" if holder == "seian_approver" else "seian_approver"
    assert not policy.may_decide(getattr(kagoshima, other), step)


def test_the_route_is_fixed_when_reported(kagoshima):
    """Reported at 17:20: the 総合当直 keeps it though the office opens the next morning."""
    alert, step = _desk_step(kagoshima, "fugitive", _at("2026-12-02 17:20"))
    next_morning = _at("2026-12-03 09:00")
    alert = alert_services.alert_approve(
        actor=kagoshima.duty_officer, alert=alert, step=step, now=next_morning
    )
    assert policy.current_step(alert).label == "発信操作"


def test_a_resubmission_is_routed_anew(kagoshima):
    alert, step = _desk_step(kagoshima, "fugitive", _at("2026-12-02 17:20"))
    alert = alert_services.alert_return(
        actor=kagoshima.duty_officer, alert=alert, step=step, comment="逃走方向を追記してください。"
    )
    alert = alert_services.alert_submit(
        actor=kagoshima.alert_author,
        alert=alert,
        version=alert.version,
        now=_at("2026-12-03 09:00"),
    )
    alert = alert_services.alert_approve(
        actor=kagoshima.alert_approver, alert=alert, step=policy.current_step(alert)
    )
    assert policy.current_step(alert).division == kagoshima.divisions["seian-kikaku"]
