"""Every step of both presets, for one station's area and the whole prefecture: who the alert
waits for at each step, that nobody else may act there, and that the last step sends.

kagoshima (seed 003): 署長 → the category's HQ 係 (in office hours) → the 生活安全企画課長 when
the category is another division's (5⑴イ) → HQ's 発信操作担当者 (6⑴).
gunma (seed 004): 運用責任者 → 運用管理者 → (prefecture-wide from a station: the HQ division in
charge) → (運用総括管理者 where consulted) → the 所属's own sender, or the HQ division's for a
prefecture-wide send (4⑷イ).
"""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.exceptions import PermissionDenied
from alerts.drafts import policy, selectors
from alerts.drafts import services as alert_services
from alerts.drafts.models import AlertStatus, ConsentBy, DecisionAction, StepStatus
from tests.alerts.conftest import OFFICE_MORNING, build_alert_world

pytestmark = pytest.mark.postgres

# (preset, category, scope, author, [(step label, who acts there)]).
WALKS = [
    (
        "kagoshima",
        "threat",
        "station",
        "alert_author",
        [
            ("署長の判断", "alert_approver"),
            ("本部担当係の審査", "seian_approver"),
            ("発信操作", "seian_sender"),
        ],
    ),
    (
        "kagoshima",
        "missing-elderly",
        "station",
        "alert_author",
        [
            ("署長の判断", "alert_approver"),
            ("本部担当係の審査", "jinshin_approver"),
            ("生活安全企画課長との協議", "seian_approver"),
            ("発信操作", "seian_sender"),
        ],
    ),
    (
        "kagoshima",
        "useful",
        "prefecture",
        "alert_author",
        [
            ("署長の判断", "alert_approver"),
            ("本部担当係の審査", "seian_approver"),
            ("発信操作", "seian_sender"),
        ],
    ),
    (
        "kagoshima",
        "useful",
        "prefecture",
        "seian_author",
        [("本部担当係の審査", "seian_approver"), ("発信操作", "seian_sender")],
    ),
    (
        "gunma",
        "suspicious",
        "station",
        "alert_author",
        [
            ("運用責任者の確認", "alert_reviewer"),
            ("運用管理者の承認", "alert_approver"),
            ("発信操作", "alert_sender"),
        ],
    ),
    (
        "gunma",
        "suspicious",
        "station",
        "seian_author",
        [
            ("運用責任者の確認", "seian_reviewer"),
            ("運用管理者の承認", "seian_approver"),
            ("発信操作", "seian_sender"),
        ],
    ),
    (
        "gunma",
        "incident",
        "stations",
        "alert_author",
        [
            ("運用責任者の確認", "alert_reviewer"),
            ("運用管理者の承認", "alert_approver"),
            ("本部所管課の運用管理者との協議", "sosa_approver"),
            ("発信操作", "alert_sender"),
        ],
    ),
    (
        "gunma",
        "incident",
        "prefecture",
        "alert_author",
        [
            ("運用責任者の確認", "alert_reviewer"),
            ("運用管理者の承認", "alert_approver"),
            ("本部所管課の運用管理者の承認", "sosa_approver"),
            ("本部所管課の発信操作", "sosa_sender"),
        ],
    ),
    (
        "gunma",
        "suspicious",
        "prefecture",
        "seian_author",
        [
            ("運用責任者の確認", "seian_reviewer"),
            ("運用管理者の承認", "seian_approver"),
            ("本部所管課の発信操作", "seian_sender"),
        ],
    ),
]

# Everyone with an alert desk in alert_world, to prove that only the step's holder acts.
EVERYONE = [
    "alert_author",
    "alert_reviewer",
    "alert_approver",
    "alert_sender",
    "alert_hq_approver",
    "seian_approver",
    "seian_reviewer",
    "seian_sender",
    "seian_author",
    "jinshin_approver",
    "sosa_approver",
    "sosa_sender",
    "duty_officer",
    "author_b",
    "approver_b",
]


@pytest.mark.parametrize(("preset", "category", "scope", "author", "walk"), WALKS)
def test_every_step_is_held_by_its_desk_and_the_last_one_sends(
    world, use_preset, preset, category, scope, author, walk
):
    use_preset(preset)
    alert_world = build_alert_world(world, preset)

    def person(name: str):
        return getattr(alert_world, name)

    alert = _draft(alert_world, category, scope, person(author))
    alert = alert_services.alert_submit(
        actor=person(author), alert=alert, version=alert.version, now=OFFICE_MORNING
    )
    assert alert.status == AlertStatus.IN_REVIEW
    assert alert.preset == preset
    steps = selectors.latest_round(alert)
    assert [s.label for s in steps] == [label for label, _ in walk]

    for index, (label, actor_name) in enumerate(walk):
        current = policy.current_step(alert)
        assert current is not None and current.label == label
        acting = person(actor_name)
        assert [name for name in EVERYONE if policy.may_decide(person(name), current)] == [
            actor_name
        ]
        assert current in selectors.inbox_steps(acting)
        last = index == len(walk) - 1
        if last:
            assert policy.actions(acting, alert) >= {"send", "return", "cancel"}
            count = selectors.recipient_count(alert)
            alert = alert_services.alert_send(
                actor=acting, alert=alert, confirmed=True, recipient_count=count, now=OFFICE_MORNING
            )
        else:
            assert "approve" in policy.actions(acting, alert)
            alert = alert_services.alert_approve(
                actor=acting, alert=alert, step=current, now=OFFICE_MORNING
            )
        assert alert.status == (
            AlertStatus.SCHEDULED
            if last
            else AlertStatus.APPROVED
            if index == len(walk) - 2
            else AlertStatus.IN_REVIEW
        )

    assert alert.send_at == OFFICE_MORNING
    assert all(s.status == StepStatus.DONE for s in selectors.latest_round(alert))
    decisions = list(alert.decisions.values_list("action", "user_id"))
    assert decisions == [
        (DecisionAction.SUBMIT, person(author).pk),
        *((DecisionAction.APPROVE, person(name).pk) for _, name in walk[:-1]),
        (DecisionAction.SEND, person(walk[-1][1]).pk),
    ]


def _draft(alert_world, category: str, scope: str, author):
    fields = {
        "title": "声かけ事案の発生",
        "body": "12月1日午後4時ごろ、中央市本町1丁目の道路上で、児童が男に声をかけられました。",
        "case_number": "R8-000123",
        "consent_by": ConsentBy.GUARDIAN,
        "consent_on": dt.date(2026, 12, 1),
        "victim_is_minor": True,
        "publication_request": True,
    }
    if scope == "station":
        fields["area_stations"] = [alert_world.station_a]
    elif scope == "stations":
        fields["area_stations"] = [alert_world.station_a, alert_world.station_b]
    return alert_services.alert_create(
        actor=author, category=alert_world.categories[category], scope=scope, **fields
    )


def test_a_gunma_notice_is_consulted_with_the_overall_manager(alert_world, make_draft):
    """お知らせ needs prior consultation with the 運用総括管理者 (seed 004 4⑷ア)."""
    if alert_world.preset != "gunma":
        pytest.skip("gunma's category")
    alert = make_draft("notice")
    alert = alert_services.alert_submit(
        actor=alert_world.alert_author, alert=alert, version=alert.version, now=OFFICE_MORNING
    )
    for name in ("alert_reviewer", "alert_approver"):
        alert = alert_services.alert_approve(
            actor=getattr(alert_world, name),
            alert=alert,
            step=policy.current_step(alert),
            now=OFFICE_MORNING,
        )
    current = policy.current_step(alert)
    assert current.label == "運用総括管理者との協議"
    assert policy.may_decide(alert_world.alert_hq_approver, current)
    alert = alert_services.alert_approve(
        actor=alert_world.alert_hq_approver, alert=alert, step=current, now=OFFICE_MORNING
    )
    assert alert.status == AlertStatus.APPROVED
    assert policy.current_step(alert).label == "発信操作"


def test_an_author_asks_the_overall_manager_when_he_thinks_it_needed(alert_world, make_draft):
    """「必要に応じて」 (seed 004 4⑷イ・ウ): the author ticks the consultation."""
    if alert_world.preset != "gunma":
        pytest.skip("gunma's rows")
    alert = make_draft("suspicious", consult_overall=True)
    alert = alert_services.alert_submit(
        actor=alert_world.alert_author, alert=alert, version=alert.version, now=OFFICE_MORNING
    )
    assert "運用総括管理者との協議" in [s.label for s in selectors.latest_round(alert)]


def test_nobody_acts_on_an_alert_at_another_desk(alert_world, make_draft):
    alert = make_draft(next(iter(alert_world.categories)))
    alert = alert_services.alert_submit(
        actor=alert_world.alert_author, alert=alert, version=alert.version, now=OFFICE_MORNING
    )
    current = policy.current_step(alert)
    with pytest.raises(PermissionDenied):
        alert_services.alert_approve(
            actor=alert_world.approver_b, alert=alert, step=current, now=OFFICE_MORNING
        )
    assert policy.current_step(alert).pk == current.pk
