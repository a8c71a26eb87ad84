"""Privacy flags at the steps (seed 003 5⑴ア・5⑵, seed 004 5⑷): a flag left in the text
blocks every approval until it is fixed or an approver at the current step lets it stand
with a reason — never the author. The decision rows keep what each decider saw."""

from __future__ import annotations

import pytest

from accounts.exceptions import DomainError, PermissionDenied
from alerts.drafts import policy, selectors
from alerts.drafts import services as alert_services
from alerts.drafts.models import AlertStatus, DecisionAction
from tests.alerts.conftest import OFFICE_MORNING

pytestmark = pytest.mark.postgres

PARK = "12月1日午後4時ごろ、中央市本町1丁目の桜ヶ丘公園で、児童が男に声をかけられました。"


def _in_review(alert_world, make_draft, **fields):
    code = "threat" if alert_world.preset == "kagoshima" else "suspicious"
    alert = make_draft(code, **fields)
    return alert_services.alert_submit(
        actor=alert.author, alert=alert, version=alert.version, now=OFFICE_MORNING
    )


def test_a_flag_blocks_approval_until_an_approver_overrides_it(any_preset, alert_world, make_draft):
    alert = _in_review(alert_world, make_draft, body=PARK)
    step = policy.current_step(alert)
    approver = selectors.step_holders(step)[0]
    [flag] = selectors.open_flags(alert)
    assert (flag.field, flag.flag.kind, flag.flag.text) == ("body", "proper_name", "桜ヶ丘公園")

    with pytest.raises(DomainError, match="個人情報の指摘が残っています"):
        alert_services.alert_approve(actor=approver, alert=alert, step=step)
    assert policy.current_step(alert).pk == step.pk

    with pytest.raises(DomainError) as refused:
        alert_services.privacy_override(
            actor=approver, alert=alert, kind="proper_name", fragment="桜ヶ丘公園", reason=" "
        )
    assert refused.value.field == "reason"
    with pytest.raises(DomainError) as refused:
        alert_services.privacy_override(
            actor=approver, alert=alert, kind="proper_name", fragment="中央公園", reason="理由"
        )
    assert refused.value.field == "fragment"

    assert "override" in policy.actions(approver, alert)
    override = alert_services.privacy_override(
        actor=approver,
        alert=alert,
        kind="proper_name",
        fragment="桜ヶ丘公園",
        reason="広域の公園で、場所を特定しても被害者は推認されない。",
    )
    assert override.user == approver
    assert selectors.open_flags(alert) == []
    alert = alert_services.alert_approve(actor=approver, alert=alert, step=step)

    approval = alert.decisions.get(action=DecisionAction.APPROVE)
    assert approval.seen_body == PARK
    assert approval.seen_flags == [
        {"field": "body", "kind": "proper_name", "text": "桜ヶ丘公園", "overridden": True}
    ]
    overriding = alert.decisions.get(action=DecisionAction.OVERRIDE)
    assert overriding.user == approver and "広域の公園" in overriding.comment


def test_the_author_cannot_override(any_preset, alert_world, make_draft):
    alert = _in_review(alert_world, make_draft, body=PARK)
    assert not policy.may_override(alert_world.alert_author, alert)
    assert "override" not in policy.actions(alert_world.alert_author, alert)
    with pytest.raises(PermissionDenied, match="作成者自身では承認できません"):
        alert_services.privacy_override(
            actor=alert_world.alert_author,
            alert=alert,
            kind="proper_name",
            fragment="桜ヶ丘公園",
            reason="問題ない",
        )
    assert not alert.overrides.exists()


def test_only_the_approver_at_the_current_step_overrides(any_preset, alert_world, make_draft):
    alert = _in_review(alert_world, make_draft, body=PARK)
    later = selectors.latest_round(alert)[1]
    not_yet = selectors.step_holders(later)[0]
    with pytest.raises(PermissionDenied):
        alert_services.privacy_override(
            actor=not_yet, alert=alert, kind="proper_name", fragment="桜ヶ丘公園", reason="理由"
        )


def test_a_fixed_text_needs_no_override(any_preset, alert_world, make_draft):
    """Returned, fixed by the author (「公園内」: the kind of place), reported again."""
    alert = _in_review(alert_world, make_draft, body=PARK)
    step = policy.current_step(alert)
    approver = selectors.step_holders(step)[0]
    alert = alert_services.alert_return(
        actor=approver, alert=alert, step=step, comment="公園の名称は書けません。"
    )
    alert = alert_services.alert_update(
        actor=alert_world.alert_author,
        alert=alert,
        version=alert.version,
        body=PARK.replace("桜ヶ丘公園", "公園内"),
    )
    alert = alert_services.alert_submit(
        actor=alert_world.alert_author, alert=alert, version=alert.version, now=OFFICE_MORNING
    )
    alert = alert_services.alert_approve(
        actor=approver, alert=alert, step=policy.current_step(alert)
    )
    assert alert.status in (AlertStatus.IN_REVIEW, AlertStatus.APPROVED)


def test_every_checked_field_is_read(alert_world, make_draft):
    alert = make_draft(
        "suspicious",
        title="山田太郎さんの件",
        place="中央市本町1丁目2番3号",
        advice="不審な車（品川 300 あ 12-34）を見たら110番",
    )
    found = [(f.field, f.flag.kind) for f in selectors.privacy_flags(alert)]
    assert found == [
        ("title", "person_name"),
        ("place", "place_detail"),
        ("advice", "plate"),
    ]
