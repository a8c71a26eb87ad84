"""Decisions at the steps, under both presets: a return sends the alert back to its author
with the comment and a resubmission lays a new round; nobody approves his own draft; a step
cannot be taken before the one ahead of it; a stale page cannot save over a decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts import services as account_services
from accounts.exceptions import DomainError, PermissionDenied, StaleEditError, TransitionError
from accounts.models import Role
from alerts.drafts import policy, selectors
from alerts.drafts import services as alert_services
from alerts.drafts.models import AlertStatus, DecisionAction, StepStatus
from tests.alerts.conftest import OFFICE_MORNING

pytestmark = pytest.mark.postgres

LATER = OFFICE_MORNING + dt.timedelta(minutes=20)


def _category(alert_world) -> str:
    return "threat" if alert_world.preset == "kagoshima" else "suspicious"


def _submitted(alert_world, make_draft, **fields):
    alert = make_draft(_category(alert_world), **fields)
    return alert_services.alert_submit(
        actor=alert.author, alert=alert, version=alert.version, now=OFFICE_MORNING
    )


def _approve_current(alert_world, alert, actor=None, now=OFFICE_MORNING):
    step = policy.current_step(alert)
    return alert_services.alert_approve(
        actor=actor or selectors.step_holders(step)[0], alert=alert, step=step, now=now
    )


def test_a_return_goes_back_to_the_author_and_a_resubmission_lays_a_new_round(
    any_preset, alert_world, make_draft
):
    alert = _submitted(alert_world, make_draft)
    alert = _approve_current(alert_world, alert)
    second = policy.current_step(alert)
    returner = selectors.step_holders(second)[0]

    with pytest.raises(DomainError) as refused:
        alert_services.alert_return(actor=returner, alert=alert, step=second, comment="  ")
    assert refused.value.field == "comment"

    alert = alert_services.alert_return(
        actor=returner,
        alert=alert,
        step=second,
        comment="場所をもう少し広く書いてください。",
        now=LATER,
    )
    assert alert.status == AlertStatus.DRAFT
    assert policy.current_step(alert) is None
    second.refresh_from_db()
    assert second.status == StepStatus.RETURNED and second.decided_at == LATER
    returned = alert.decisions.get(action=DecisionAction.RETURN)
    assert (returned.user, returned.comment) == (returner, "場所をもう少し広く書いてください。")
    assert policy.actions(alert_world.alert_author, alert) >= {"edit", "submit"}
    assert not policy.actions(returner, alert) & {"approve", "return"}

    alert = alert_services.alert_update(
        actor=alert_world.alert_author, alert=alert, version=alert.version, place="中央市本町"
    )
    alert = alert_services.alert_submit(
        actor=alert_world.alert_author, alert=alert, version=alert.version, now=LATER
    )
    rounds = sorted(set(alert.steps.values_list("round", flat=True)))
    assert rounds == [1, 2]
    first_of_new = policy.current_step(alert)
    assert (first_of_new.round, first_of_new.order, first_of_new.arrived_at) == (2, 1, LATER)
    # The earlier round's record stays as it was.
    assert alert.steps.filter(round=1, status=StepStatus.DONE).count() == 1
    assert alert.steps.filter(round=1, status=StepStatus.RETURNED).count() == 1


def test_the_sender_may_return_too(any_preset, alert_world, make_draft):
    alert = _submitted(alert_world, make_draft)
    while alert.status == AlertStatus.IN_REVIEW:
        alert = _approve_current(alert_world, alert)
    send_step = policy.current_step(alert)
    sender = selectors.step_holders(send_step)[0]
    alert = alert_services.alert_return(
        actor=sender, alert=alert, step=send_step, comment="件名に誤字があります。"
    )
    assert alert.status == AlertStatus.DRAFT and alert.approved_at is None


def test_an_author_who_also_holds_the_approver_desk_cannot_approve_his_own_draft(
    any_preset, alert_world, make_draft
):
    """Issue 13: nobody approves their own draft, whatever desks he holds."""
    approver = alert_world.alert_approver
    account_services.appointment_start(
        actor=None,
        user=approver,
        role=Role.ALERT_AUTHOR,
        unit=alert_world.station_a,
        starts_on=timezone.localdate(),
    )
    approver.__dict__.pop("_active_appointments", None)
    alert = make_draft(_category(alert_world), author=approver)
    alert = alert_services.alert_submit(
        actor=approver, alert=alert, version=alert.version, now=OFFICE_MORNING
    )
    current = policy.current_step(alert)
    while current.role != Role.ALERT_APPROVER:  # gunma: the 運用責任者 first
        alert = _approve_current(alert_world, alert)
        current = policy.current_step(alert)
    assert current.station_id == alert_world.station_a.pk
    assert not policy.may_decide(approver, current)
    assert current not in selectors.inbox_steps(approver)
    with pytest.raises(PermissionDenied, match="自分が作成した配信文は承認できません。"):
        alert_services.alert_approve(actor=approver, alert=alert, step=current)
    with pytest.raises(PermissionDenied):
        alert_services.alert_return(actor=approver, alert=alert, step=current, comment="自分で")
    assert policy.current_step(alert).status == StepStatus.PENDING
    assert not alert.decisions.filter(action=DecisionAction.APPROVE, user=approver).exists()


def test_a_step_cannot_be_taken_before_the_one_ahead(any_preset, alert_world, make_draft):
    alert = _submitted(alert_world, make_draft)
    later_step = selectors.latest_round(alert)[1]
    holder = selectors.step_holders(later_step)[0]
    assert not policy.may_decide(holder, later_step)
    with pytest.raises(TransitionError, match="前の段階の承認が済んでいません。"):
        alert_services.alert_approve(actor=holder, alert=alert, step=later_step)
    later_step.refresh_from_db()
    assert later_step.status == StepStatus.WAITING


def test_a_decided_step_cannot_be_decided_again(any_preset, alert_world, make_draft):
    alert = _submitted(alert_world, make_draft)
    first = policy.current_step(alert)
    holder = selectors.step_holders(first)[0]
    alert = alert_services.alert_approve(actor=holder, alert=alert, step=first)
    with pytest.raises(TransitionError):
        alert_services.alert_approve(actor=holder, alert=alert, step=first)
    assert alert.decisions.filter(action=DecisionAction.APPROVE).count() == 1


def test_only_the_author_edits_and_submits_and_a_stale_page_is_refused(alert_world, make_draft):
    alert = make_draft("suspicious")
    with pytest.raises(PermissionDenied):
        alert_services.alert_update(
            actor=alert_world.alert_approver, alert=alert, version=alert.version, title="変更"
        )
    with pytest.raises(PermissionDenied):
        alert_services.alert_submit(
            actor=alert_world.alert_approver, alert=alert, version=alert.version
        )
    opened = alert.version
    alert_services.alert_update(
        actor=alert_world.alert_author, alert=alert, version=opened, title="声かけ事案（続）"
    )
    with pytest.raises(StaleEditError, match="他の職員が先に更新しました"):
        alert_services.alert_update(
            actor=alert_world.alert_author, alert=alert, version=opened, title="古い画面から"
        )
    alert.refresh_from_db()
    assert alert.title == "声かけ事案（続）"


def test_a_draft_in_review_cannot_be_edited(alert_world, make_draft):
    alert = _submitted(alert_world, make_draft)
    with pytest.raises(TransitionError):
        alert_services.alert_update(
            actor=alert_world.alert_author, alert=alert, version=alert.version, title="変更"
        )
    assert "edit" not in policy.actions(alert_world.alert_author, alert)


def test_an_author_of_several_units_says_which(alert_world):
    author = alert_world.alert_author
    account_services.appointment_start(
        actor=None,
        user=author,
        role=Role.ALERT_AUTHOR,
        unit=alert_world.station_b,
        starts_on=timezone.localdate(),
    )
    author.__dict__.pop("_active_appointments", None)
    category = alert_world.categories["suspicious"]
    with pytest.raises(DomainError) as refused:
        alert_services.alert_create(actor=author, category=category, title="件名", body="本文")
    assert refused.value.field == "desk"
    desk = next(d for d in policy.author_desks(author) if d.station_id == alert_world.station_b.pk)
    alert = alert_services.alert_create(
        actor=author, desk=desk, category=category, title="件名", body="本文"
    )
    assert alert.author_station == alert_world.station_b


def test_only_authors_draft(alert_world):
    assert not policy.may_draft(alert_world.alert_approver)
    with pytest.raises(PermissionDenied):
        alert_services.alert_create(
            actor=alert_world.alert_approver,
            category=alert_world.categories["suspicious"],
            title="件名",
            body="本文",
        )


def test_cancelling_before_sending(any_preset, alert_world, make_draft):
    draft = make_draft(_category(alert_world))
    with pytest.raises(PermissionDenied):
        alert_services.alert_cancel(actor=alert_world.alert_approver, alert=draft, reason="不要")
    with pytest.raises(DomainError) as refused:
        alert_services.alert_cancel(actor=alert_world.alert_author, alert=draft, reason="")
    assert refused.value.field == "reason"
    cancelled = alert_services.alert_cancel(
        actor=alert_world.alert_author, alert=draft, reason="重複して作成した"
    )
    assert cancelled.status == AlertStatus.CANCELLED

    alert = _submitted(alert_world, make_draft)
    # Once reported, the author no longer withdraws it alone: the desk it waits at does.
    assert "cancel" not in policy.actions(alert_world.alert_author, alert)
    holder = selectors.step_holders(policy.current_step(alert))[0]
    alert = alert_services.alert_cancel(actor=holder, alert=alert, reason="被疑者を確保した")
    assert alert.status == AlertStatus.CANCELLED
    assert policy.current_step(alert) is None
    assert alert.decisions.get(action=DecisionAction.CANCEL).comment == "被疑者を確保した"
    assert not selectors.inbox_steps(holder)


def test_an_author_whose_appointment_ended_no_longer_touches_his_drafts(alert_world, make_draft):
    """His hand on his drafts ends with his 作成者 appointment: no edit, no cancel, no
    follow-up; the unit's other 作成者 carry on."""
    draft = make_draft(_category(alert_world))
    author = alert_world.alert_author
    appointment = author.appointments.get(role=Role.ALERT_AUTHOR)
    account_services.appointment_end(actor=None, appointment=appointment, reason="異動")
    author.refresh_from_db()
    author.__dict__.pop("_active_appointments", None)
    assert not policy.may_edit(author, draft)
    assert not policy.may_cancel(author, draft)
    with pytest.raises(PermissionDenied):
        alert_services.alert_update(actor=author, alert=draft, version=draft.version, title="変更")
    with pytest.raises(PermissionDenied):
        alert_services.alert_cancel(actor=author, alert=draft, reason="取りやめ")
    draft.refresh_from_db()
    assert draft.title != "変更" and draft.status == AlertStatus.DRAFT
