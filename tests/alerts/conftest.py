"""あんしんメール fixtures: the HQ divisions, municipalities, the preset's categories and chain
rows, and a person at every alert desk, on top of the shared `world`.

    HQ ─ 生活安全企画課 (係: 子供・女性の安全対策係, 犯罪抑止対策係) ─ seian_approver (課長, 運用管理者),
       │                                               seian_reviewer (次席), seian_sender, seian_author
       ├ 人身安全・少年課 ─ jinshin_approver
       ├ 捜査第一課 ─ sosa_approver, sosa_sender
       ├ 広報広聴課 ─ (運用総括管理者 = world.alert_hq_approver, appointed at HQ)
       └ 総合当直 ─ duty_officer
    station A ─ world.alert_author / alert_reviewer / alert_approver (署長) / alert_sender
    station B ─ author_b, approver_b
    municipalities: 中央市, 南町 (station A), 北市 (station B)

`alert_world` runs the preset settings.ALERTS_PRESET names; `use_preset` switches it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import Division, Municipality, Role, User
from alerts.categories import defaults
from alerts.categories.models import Category
from alerts.chain import presets
from tests.conftest import World
from tests.factories import UserFactory

# Person -> (role, division code or station key).
DESK_PEOPLE: dict[str, tuple[str, str]] = {
    "seian_approver": (Role.ALERT_APPROVER, "seian-kikaku"),
    "seian_reviewer": (Role.ALERT_REVIEWER, "seian-kikaku"),
    "seian_sender": (Role.ALERT_SENDER, "seian-kikaku"),
    "seian_author": (Role.ALERT_AUTHOR, "seian-kikaku"),
    "jinshin_approver": (Role.ALERT_APPROVER, "jinshin-shonen"),
    "sosa_approver": (Role.ALERT_APPROVER, "sosa-ikka"),
    "sosa_sender": (Role.ALERT_SENDER, "sosa-ikka"),
    "duty_officer": (Role.ALERT_APPROVER, "sogo-toku"),
    "author_b": (Role.ALERT_AUTHOR, "station_b"),
    "approver_b": (Role.ALERT_APPROVER, "station_b"),
}


@dataclass
class AlertWorld:
    world: World
    preset: str
    divisions: dict[str, Division]
    categories: dict[str, Category]
    municipalities: dict[str, Municipality]
    people: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str):
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        world = self.__dict__.get("world")
        if world is not None:
            return getattr(world, name)
        raise AttributeError(name)


def build_alert_world(world: World, preset: str) -> AlertWorld:
    categories = {c.code: c for c in defaults.install(world.hq, preset)}
    presets.load(preset)
    divisions = {d.code: d for d in Division.objects.all()}
    municipalities = {
        "chuo": Municipality.objects.create(station=world.station_a, code="089001", name="中央市"),
        "minami": Municipality.objects.create(station=world.station_a, code="089002", name="南町"),
        "kita": Municipality.objects.create(station=world.station_b, code="089003", name="北市"),
    }
    alert_world = AlertWorld(
        world=world,
        preset=preset,
        divisions=divisions,
        categories=categories,
        municipalities=municipalities,
    )
    start = timezone.localdate() - dt.timedelta(days=30)
    for index, (name, (role, where)) in enumerate(DESK_PEOPLE.items()):
        user = UserFactory(employee_number=f"{200001 + index}", full_name=f"{name} 職員")
        alert_world.people[name] = user
        if where == "station_b":
            unit, division = world.station_b, None
        else:
            unit, division = world.hq, divisions[where]
        services.appointment_start(
            actor=None, user=user, role=role, unit=unit, division=division, starts_on=start
        )
    return alert_world


@pytest.fixture
def use_preset(settings):
    def _use(preset: str) -> str:
        settings.ALERTS_PRESET = preset
        return preset

    return _use


@pytest.fixture(params=["kagoshima", "gunma"])
def any_preset(request, settings) -> str:
    """Runs a test once under each preset."""
    settings.ALERTS_PRESET = request.param
    return request.param


@pytest.fixture
def alert_world(world, settings) -> AlertWorld:
    return build_alert_world(world, settings.ALERTS_PRESET)


# --- Drafts through the services (helper "chain") -----------------------------------------

# A weekday morning in office and sending hours (Wednesday 2 December 2026, 10:00 Tokyo):
# tests that do not test the clocks pass it as `now=`, so they pass at any real hour.
TOKYO = dt.timezone(dt.timedelta(hours=9))
OFFICE_MORNING = dt.datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO)


@pytest.fixture
def make_draft(alert_world):
    """make_draft(category_code, author=None, scope="station", **fields) -> a DRAFT by
    alert_services.alert_create, by station A's 作成者 unless `author` says, with station A as
    its area unless the scope is the prefecture or areas are given; the records every
    category may need are filled in (a test of a missing one blanks it)."""
    from alerts.drafts import services as alert_services
    from alerts.drafts.models import ConsentBy

    def _make(category_code: str, author: User | None = None, scope: str = "station", **fields):
        values = {
            "title": "不審者情報（声かけ）",
            "body": "12月1日午後4時ごろ、中央市本町1丁目の道路上で、下校中の児童が男に声をかけられました。",
            "place": "中央市本町1丁目",
            "place_kind": "road",
            "advice": "子供は一人で帰らず、声をかけられたら大声で助けを求めましょう。",
            "case_number": "R8-000123",
            "consent_by": ConsentBy.GUARDIAN,
            "consent_on": dt.date(2026, 12, 1),
            "victim_is_minor": True,
            "publication_request": True,
            **fields,
        }
        if scope != "prefecture":
            values.setdefault("area_stations", [alert_world.station_a])
        return alert_services.alert_create(
            actor=author or alert_world.alert_author,
            category=alert_world.categories[category_code],
            scope=scope,
            **values,
        )

    return _make


def through_the_chain(alert, *, now: dt.datetime = OFFICE_MORNING, send_urgently: bool = False):
    """The draft reported by its author, approved at every step by the first holder of its
    desk (the last approver marking 「直ちに」 if asked) and confirmed by the sender's desk at
    `now`: SCHEDULED for `now`, or for the next 07:00 outside the sending hours."""
    from alerts.chain.models import StepAction
    from alerts.drafts import policy, selectors
    from alerts.drafts import services as alert_services
    from alerts.drafts.models import AlertStatus

    alert = alert_services.alert_submit(
        actor=alert.author, alert=alert, version=alert.version, now=now
    )
    while alert.status == AlertStatus.IN_REVIEW:
        step = policy.current_step(alert)
        following = step.alert.steps.filter(round=step.round, order__gt=step.order).first()
        last = following is not None and following.action == StepAction.SEND
        alert = alert_services.alert_approve(
            actor=selectors.step_holders(step)[0],
            alert=alert,
            step=step,
            send_urgently=send_urgently and last,
            now=now,
        )
    return alert_services.alert_send(
        actor=selectors.step_holders(policy.current_step(alert))[0],
        alert=alert,
        confirmed=True,
        recipient_count=selectors.recipient_count(alert),
        now=now,
    )
