"""Withdrawing (取消) a sent alert (issue 14 point 4): the unit's 運用管理者 or the 運用総括管理者,
with a reason, records a decision, marks the alert, and drops the deliveries not yet sent;
everyone else, an alert not sent, and a second withdrawal are refused and change nothing.
The staff page asks first (GET), the POST withdraws; the alert's page offers the button."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from accounts.exceptions import DomainError, PermissionDenied, TransitionError
from alerts.archive import services
from alerts.delivery.models import Delivery, DeliveryStatus
from alerts.drafts.models import Decision, DecisionAction
from tests.alerts.archive_kit import archived, scheduled, tokyo, went_out
from tests.alerts.subscribers_kit import subscriber

pytestmark = pytest.mark.postgres

SENT = tokyo(2026, 12, 2, 10, 5)
LATER = tokyo(2026, 12, 2, 10, 30)
REASON = "被害者が特定されるおそれのある記載があったため"


def _deliveries(alert, alert_world, statuses):
    category = alert.category
    rows = []
    for index, status in enumerate(statuses):
        person = subscriber(f"r{index}@example.jp", [category])
        rows.append(
            Delivery.objects.create(
                alert=alert,
                subscriber=person,
                status=status,
                message_id=f"<a{alert.pk}.{index}@example.jp>",
                not_before=SENT,
            )
        )
    return rows


@pytest.mark.parametrize("who", ["alert_approver", "alert_hq_approver"])
def test_the_units_manager_or_hq_withdraws_and_pending_mail_is_dropped(
    who, alert_world, make_draft
):
    alert = went_out(scheduled(make_draft("suspicious")), SENT, done=False)
    pending, sending, sent = _deliveries(
        alert,
        alert_world,
        [DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.SENT],
    )
    actor = getattr(alert_world, who)
    services.alert_withdraw(actor=actor, alert=alert, reason=f"  {REASON} ", now=LATER)

    alert.refresh_from_db()
    assert (alert.withdrawn_at, alert.withdrawn_reason) == (LATER, REASON)
    statuses = {d.pk: d.status for d in Delivery.objects.filter(alert=alert)}
    # Nobody else receives it; a row a worker holds is in flight, a sent one is sent.
    assert statuses == {
        pending.pk: DeliveryStatus.DROPPED,
        sending.pk: DeliveryStatus.SENDING,
        sent.pk: DeliveryStatus.SENT,
    }
    decision = Decision.objects.get(alert=alert, action=DecisionAction.WITHDRAW)
    assert (decision.user, decision.comment, decision.decided_at) == (actor, REASON, LATER)
    assert decision.role == ("alert_approver" if who == "alert_approver" else "alert_hq_approver")
    assert alert.history.first().history_change_reason == "配信の取消"


@pytest.mark.parametrize(
    "who", ["alert_author", "alert_reviewer", "alert_sender", "approver_b", "seian_approver"]
)
def test_nobody_else_may_withdraw(who, alert_world, make_draft):
    alert = archived(make_draft, "suspicious", at=SENT)
    (pending,) = _deliveries(alert, alert_world, [DeliveryStatus.PENDING])
    with pytest.raises(PermissionDenied):
        services.alert_withdraw(actor=getattr(alert_world, who), alert=alert, reason=REASON)
    alert.refresh_from_db()
    pending.refresh_from_db()
    assert (alert.withdrawn_at, pending.status) == (None, DeliveryStatus.PENDING)
    assert not Decision.objects.filter(action=DecisionAction.WITHDRAW).exists()


def test_a_reason_is_required_and_has_a_limit(alert_world, make_draft):
    alert = archived(make_draft, "suspicious", at=SENT)
    for reason, words in [("   ", "入力"), ("あ" * 201, "200文字以内")]:
        with pytest.raises(DomainError) as refused:
            services.alert_withdraw(actor=alert_world.alert_approver, alert=alert, reason=reason)
        assert refused.value.field == "reason"
        assert words in refused.value.message
    alert.refresh_from_db()
    assert alert.withdrawn_at is None


def test_an_alert_not_sent_cannot_be_withdrawn(alert_world, make_draft):
    waiting = scheduled(make_draft("suspicious"))
    with pytest.raises(TransitionError) as refused:
        services.alert_withdraw(actor=alert_world.alert_approver, alert=waiting, reason=REASON)
    assert "取りやめ" in refused.value.message
    draft = make_draft("suspicious")
    with pytest.raises(TransitionError):
        services.alert_withdraw(actor=alert_world.alert_hq_approver, alert=draft, reason=REASON)


def test_an_alert_is_withdrawn_once(alert_world, make_draft):
    alert = archived(make_draft, "suspicious", at=SENT)
    services.alert_withdraw(actor=alert_world.alert_approver, alert=alert, reason=REASON, now=LATER)
    with pytest.raises(TransitionError) as refused:
        services.alert_withdraw(actor=alert_world.alert_hq_approver, alert=alert, reason="別の理由")
    assert "すでに取り消されています" in refused.value.message
    alert.refresh_from_db()
    assert (alert.withdrawn_reason, alert.withdrawn_at) == (REASON, LATER)
    assert Decision.objects.filter(action=DecisionAction.WITHDRAW).count() == 1


# --- The staff pages --------------------------------------------------------------------------


def test_the_alerts_page_offers_the_button_only_to_who_may(alert_world, make_draft, client):
    alert = archived(make_draft, "suspicious", at=SENT)
    confirm = f"/alerts/{alert.pk}/withdraw/confirm/"
    client.force_login(alert_world.alert_approver)
    page = BeautifulSoup(client.get(f"/alerts/{alert.pk}/").content, "html.parser")
    assert page.find("a", href=confirm).get_text(strip=True) == "配信を取り消す"
    assert page.find("a", href=f"/anshin/archive/{alert.pk}/")
    client.force_login(alert_world.alert_author)
    page = BeautifulSoup(client.get(f"/alerts/{alert.pk}/").content, "html.parser")
    assert page.find("a", href=confirm) is None


def test_the_page_asks_then_the_post_withdraws(alert_world, make_draft, client):
    alert = archived(make_draft, "suspicious", at=SENT)
    client.force_login(alert_world.alert_approver)
    asked = client.get(f"/alerts/{alert.pk}/withdraw/confirm/")
    page = BeautifulSoup(asked.content, "html.parser")
    form = page.select_one("main form.form")
    assert form["action"] == f"/alerts/{alert.pk}/withdraw/"
    assert "取り消す理由" in page.find("label", attrs={"for": "id_reason"}).get_text()
    alert.refresh_from_db()
    assert alert.withdrawn_at is None  # asking changes nothing

    empty = client.post(f"/alerts/{alert.pk}/withdraw/", {"reason": ""})
    assert empty.status_code == 400
    assert "取り消す理由を入力してください。" in empty.content.decode()

    done = client.post(f"/alerts/{alert.pk}/withdraw/", {"reason": REASON}, follow=True)
    assert done.redirect_chain[-1][0] == f"/alerts/{alert.pk}/"
    text = done.content.decode()
    assert "を取り消しました" in text and REASON in text
    alert.refresh_from_db()
    assert alert.withdrawn_reason == REASON


def test_the_withdraw_url_is_post_only(alert_world, make_draft, client):
    alert = archived(make_draft, "suspicious", at=SENT)
    client.force_login(alert_world.alert_approver)
    assert client.get(f"/alerts/{alert.pk}/withdraw/").status_code == 405


def test_refusals_are_a_403_or_a_404_never_a_change(alert_world, make_draft, client):
    alert = archived(make_draft, "suspicious", at=SENT)
    client.force_login(alert_world.alert_author)  # sees the alert, may not withdraw it
    assert client.get(f"/alerts/{alert.pk}/withdraw/confirm/").status_code == 403
    assert client.post(f"/alerts/{alert.pk}/withdraw/", {"reason": REASON}).status_code == 403
    client.force_login(alert_world.approver_b)  # another station's: does not see it
    assert client.post(f"/alerts/{alert.pk}/withdraw/", {"reason": REASON}).status_code == 404
    client.logout()
    response = client.post(f"/alerts/{alert.pk}/withdraw/", {"reason": REASON})
    assert response.status_code == 302 and "/login" in response["Location"]
    alert.refresh_from_db()
    assert alert.withdrawn_at is None
