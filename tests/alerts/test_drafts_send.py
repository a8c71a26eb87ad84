"""The 発信操作担当者's send (gunma preset: station A's sender): his confirmation every time
(seed 004 別表 「配信毎に確認」) against the recipient count as it is now, and the sending
hours (seed 004 4⑵) at 06:59/07:00/19:59/20:00 Tokyo, with and without the last approver's
urgency mark on an urgent category."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.exceptions import DomainError, PermissionDenied, TransitionError
from alerts.drafts import policy, selectors
from alerts.drafts import services as alert_services
from alerts.drafts.models import AlertStatus, DecisionAction, StepStatus
from alerts.subscribers.models import Subscriber

pytestmark = pytest.mark.postgres

TOKYO = dt.timezone(dt.timedelta(hours=9))


def at(clock: str, day: str = "2026-12-02") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=TOKYO)


def _subscriber(alert_world, email: str, code: str, **fields) -> Subscriber:
    subscriber = Subscriber.objects.create(email=email, confirmed_at=at("09:00"), **fields)
    subscriber.categories.add(alert_world.categories[code])
    return subscriber


def _approved(alert_world, make_draft, code: str, *, send_urgently: bool = False, now=None):
    """Reported and approved at `now`; the last approver marks the urgency if asked."""
    now = now or at("10:00")
    alert = make_draft(code)
    alert = alert_services.alert_submit(
        actor=alert.author, alert=alert, version=alert.version, now=now
    )
    alert = alert_services.alert_approve(
        actor=alert_world.alert_reviewer, alert=alert, step=policy.current_step(alert), now=now
    )
    alert = alert_services.alert_approve(
        actor=alert_world.alert_approver,
        alert=alert,
        step=policy.current_step(alert),
        send_urgently=send_urgently,
        now=now,
    )
    assert alert.status == AlertStatus.APPROVED
    return alert


def _send(alert_world, alert, *, now, send_at=None, confirmed=True, count=None):
    return alert_services.alert_send(
        actor=alert_world.alert_sender,
        alert=alert,
        confirmed=confirmed,
        recipient_count=selectors.recipient_count(alert) if count is None else count,
        send_at=send_at,
        now=now,
    )


# --- Sending hours ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "goes_at", "action"),
    [
        ("06:59", at("07:00"), DecisionAction.SCHEDULE),
        ("07:00", at("07:00"), DecisionAction.SEND),
        ("19:59", at("19:59"), DecisionAction.SEND),
        ("20:00", at("07:00", "2026-12-03"), DecisionAction.SCHEDULE),
    ],
)
def test_outside_the_sending_hours_an_alert_waits_for_seven(
    alert_world, make_draft, clock, goes_at, action
):
    alert = _approved(alert_world, make_draft, "suspicious", now=at(clock))
    alert = _send(alert_world, alert, now=at(clock))
    assert alert.status == AlertStatus.SCHEDULED
    assert (alert.send_at, alert.queued_at) == (goes_at, at(clock))
    assert alert.decisions.latest("pk").action == action


@pytest.mark.parametrize("clock", ["06:59", "07:00", "19:59", "20:00"])
def test_an_urgent_alert_marked_by_the_last_approver_goes_at_once(alert_world, make_draft, clock):
    alert = _approved(alert_world, make_draft, "incident", send_urgently=True, now=at(clock))
    assert alert.send_urgently
    alert = _send(alert_world, alert, now=at(clock))
    assert alert.send_at == at(clock)
    assert alert.decisions.latest("pk").action == DecisionAction.SEND


@pytest.mark.parametrize(
    ("clock", "goes_at"),
    [("06:59", at("07:00")), ("20:00", at("07:00", "2026-12-03"))],
)
def test_an_urgent_category_not_marked_waits_too(alert_world, make_draft, clock, goes_at):
    alert = _approved(alert_world, make_draft, "incident", now=at(clock))
    alert = _send(alert_world, alert, now=at(clock))
    assert alert.send_at == goes_at


def test_only_an_urgent_category_may_go_outside_the_hours(alert_world, make_draft):
    alert = make_draft("suspicious")
    alert = alert_services.alert_submit(
        actor=alert.author, alert=alert, version=alert.version, now=at("10:00")
    )
    alert = alert_services.alert_approve(
        actor=alert_world.alert_reviewer, alert=alert, step=policy.current_step(alert)
    )
    with pytest.raises(DomainError) as refused:
        alert_services.alert_approve(
            actor=alert_world.alert_approver,
            alert=alert,
            step=policy.current_step(alert),
            send_urgently=True,
        )
    assert refused.value.field == "send_urgently"
    assert policy.current_step(alert).label == "運用管理者の承認"


def test_only_the_last_approver_marks_the_urgency(alert_world, make_draft):
    alert = make_draft("incident")
    alert = alert_services.alert_submit(
        actor=alert.author, alert=alert, version=alert.version, now=at("10:00")
    )
    with pytest.raises(DomainError, match="最後の承認者") as refused:
        alert_services.alert_approve(
            actor=alert_world.alert_reviewer,
            alert=alert,
            step=policy.current_step(alert),
            send_urgently=True,
        )
    assert refused.value.field == "send_urgently"


def test_a_chosen_time_is_kept_and_moved_to_seven_outside_the_hours(alert_world, make_draft):
    first = _approved(alert_world, make_draft, "suspicious")
    first = _send(alert_world, first, now=at("10:00"), send_at=at("15:30"))
    assert first.send_at == at("15:30")
    assert first.decisions.latest("pk").action == DecisionAction.SCHEDULE

    second = _approved(alert_world, make_draft, "suspicious")
    second = _send(alert_world, second, now=at("10:00"), send_at=at("21:00"))
    assert second.send_at == at("07:00", "2026-12-03")

    third = _approved(alert_world, make_draft, "suspicious")
    with pytest.raises(DomainError) as refused:
        _send(alert_world, third, now=at("10:00"), send_at=at("09:00"))
    assert refused.value.field == "send_at"


# --- The sender's confirmation ------------------------------------------------------------


def test_the_sender_must_confirm(alert_world, make_draft):
    alert = _approved(alert_world, make_draft, "suspicious")
    for confirmed in (False, None, "on"):
        with pytest.raises(DomainError) as refused:
            _send(alert_world, alert, now=at("10:00"), confirmed=confirmed)
        assert refused.value.field == "confirmed"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.APPROVED


def test_a_stale_recipient_count_is_refused(alert_world, make_draft):
    _subscriber(alert_world, "a@example.jp", "suspicious", whole_prefecture=True)
    alert = _approved(alert_world, make_draft, "suspicious")
    shown = selectors.recipient_count(alert)
    assert shown == 1
    # Someone in the area signs up while the confirmation page is open.
    other = _subscriber(alert_world, "b@example.jp", "suspicious")
    other.municipalities.add(alert_world.municipalities["chuo"])
    with pytest.raises(DomainError, match="現在 2 件") as refused:
        _send(alert_world, alert, now=at("10:00"), count=shown)
    assert refused.value.field == "recipient_count"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.APPROVED
    assert policy.current_step(alert).status == StepStatus.PENDING

    alert = _send(alert_world, alert, now=at("10:00"), count=2)
    assert alert.status == AlertStatus.SCHEDULED
    assert alert.decisions.latest("pk").comment == "配信先 2 件"


def test_the_count_reaches_only_the_area_and_the_category(alert_world, make_draft):
    _subscriber(alert_world, "all@example.jp", "suspicious", whole_prefecture=True)
    north = _subscriber(alert_world, "north@example.jp", "suspicious")
    north.municipalities.add(alert_world.municipalities["kita"])
    _subscriber(alert_world, "fraud@example.jp", "fraud", whole_prefecture=True)
    alert = _approved(alert_world, make_draft, "suspicious")
    assert selectors.recipient_count(alert) == 1


def test_only_the_designated_sender_sends_and_the_alert_is_handed_over(
    alert_world, make_draft, django_capture_on_commit_callbacks
):
    alert = _approved(alert_world, make_draft, "suspicious")
    for outsider in (
        alert_world.alert_approver,
        alert_world.alert_author,
        alert_world.seian_sender,
    ):
        assert not policy.may_send(outsider, alert)
        with pytest.raises(PermissionDenied):
            alert_services.alert_send(
                actor=outsider, alert=alert, confirmed=True, recipient_count=0, now=at("10:00")
            )
    with django_capture_on_commit_callbacks(execute=True) as handed:
        alert = _send(alert_world, alert, now=at("10:00"))
    assert handed  # the hand-over to the queue ran once the send was committed
    assert alert.status == AlertStatus.SCHEDULED
    assert policy.current_step(alert) is None
    assert all(s.status == StepStatus.DONE for s in selectors.latest_round(alert))
    # Its time had come: the queue (eager here) took it and, reaching nobody, settled it.
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT and alert.sending_started_at is not None
    with pytest.raises(TransitionError, match="この操作はできません"):
        _send(alert_world, alert, now=at("10:01"))


def test_a_scheduled_alert_can_still_be_cancelled_by_its_sender(alert_world, make_draft):
    alert = _approved(alert_world, make_draft, "suspicious")
    alert = _send(alert_world, alert, now=at("20:30"))
    assert "cancel" in policy.actions(alert_world.alert_sender, alert)
    assert "cancel" not in policy.actions(alert_world.alert_author, alert)
    alert = alert_services.alert_cancel(
        actor=alert_world.alert_sender, alert=alert, reason="被疑者を確保したため"
    )
    assert alert.status == AlertStatus.CANCELLED
