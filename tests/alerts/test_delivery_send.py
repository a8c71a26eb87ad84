"""What arrives at a real SMTP server on loopback (aiosmtpd) when send_batch runs: the alert's
text once per recipient with To, its own Message-ID, Date, List-Unsubscribe and
List-Unsubscribe-Post (RFC 8058) and the one-click link in the footer, and that link POSTed
as a mail client would unsubscribes. A second send_batch of the same ids sends nothing; a
subscriber who unsubscribed before the batch gets nothing (DROPPED); digest rows go as one
mail; with the locmem backend `mail.outbox` sees the same headers."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core import mail

from alerts.delivery import services, tasks
from alerts.delivery.models import Delivery, DeliveryStatus
from alerts.drafts.models import AlertStatus
from alerts.subscribers.models import Subscriber
from alerts.subscribers.services import subscriber_unsubscribe
from tests.alerts.delivery_kit import at, scheduled, smtp_server, subscriber

pytestmark = pytest.mark.postgres
__all__ = ["smtp_server"]


def fanned_out(alert_world, make_draft, code="suspicious", now=None):
    alert = scheduled(alert_world, make_draft, code, now=now or at("10:00"))
    services.deliveries_create(alert=alert, now=now or at("10:00"))
    return alert


def ids(alert) -> list[int]:
    return list(alert.deliveries.order_by("pk").values_list("pk", flat=True))


def test_what_arrives_carries_the_unsubscribe_headers_and_its_message_id(
    alert_world, make_draft, smtp_server, settings
):
    first = subscriber(alert_world, "a@example.jp", "suspicious")
    second = subscriber(alert_world, "b@example.jp", "suspicious")
    alert = fanned_out(alert_world, make_draft)
    counts = tasks.send_batch(ids(alert))
    assert counts["sent"] == 2
    assert sorted(m["To"] for m in smtp_server.messages) == ["a@example.jp", "b@example.jp"]
    for person in (first, second):
        (message,) = smtp_server.to(person.email)
        link = f"{settings.ALERTS_PUBLIC_BASE_URL}/anshin/my/{person.token}/unsubscribe/"
        assert (
            message["Message-ID"]
            == f"<alert-{alert.pk}.{person.pk}@{settings.ALERTS_SENDING_DOMAIN}>"
        )
        assert message["List-Unsubscribe"] == f"<{link}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Subject"] == f"【{alert.category.name}】{alert.title}"
        assert message["From"].addresses[0].display_name == "あんしんメール"
        assert message["Date"] is not None
        body = message.get_content()
        assert alert.body in body
        assert f"配信の停止・変更：{link}" in body
        assert link not in body.replace(f"配信の停止・変更：{link}", "")
    assert set(alert.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT


def test_the_one_click_post_to_the_header_url_unsubscribes(
    alert_world, make_draft, smtp_server, client
):
    person = subscriber(alert_world, "a@example.jp", "suspicious")
    alert = fanned_out(alert_world, make_draft)
    tasks.send_batch(ids(alert))
    (message,) = smtp_server.messages
    url = urlsplit(message["List-Unsubscribe"].strip("<>"))
    response = client.post(url.path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscriber.objects.filter(pk=person.pk).exists()


def test_a_long_paragraph_goes_quoted_printable_and_reads_the_same(
    alert_world, make_draft, smtp_server
):
    subscriber(alert_world, "a@example.jp", "suspicious")
    body = "中央市本町で不審な男が目撃されました。" * 50  # 950 characters, 2,850 octets a line
    alert = scheduled(alert_world, make_draft, "suspicious", now=at("10:00"), body=body)
    services.deliveries_create(alert=alert, now=at("10:00"))
    tasks.send_batch(ids(alert))
    (message,) = smtp_server.messages
    assert message["Content-Transfer-Encoding"] == "quoted-printable"
    assert body in message.get_content()


def test_a_second_send_batch_of_the_same_ids_sends_nothing(alert_world, make_draft, smtp_server):
    subscriber(alert_world, "a@example.jp", "suspicious")
    alert = fanned_out(alert_world, make_draft)
    assert tasks.send_batch(ids(alert))["sent"] == 1
    assert tasks.send_batch(ids(alert)) == {"sent": 0, "failed": 0, "retry": 0, "dropped": 0}
    assert len(smtp_server.messages) == 1


def test_a_subscriber_who_unsubscribes_before_the_batch_gets_nothing(
    alert_world, make_draft, smtp_server
):
    leaving = subscriber(alert_world, "leaving@example.jp", "suspicious")
    subscriber(alert_world, "staying@example.jp", "suspicious")
    alert = fanned_out(alert_world, make_draft)
    subscriber_unsubscribe(subscriber=leaving)
    counts = tasks.send_batch(ids(alert))
    assert (counts["sent"], counts["dropped"]) == (1, 1)
    assert [m["To"] for m in smtp_server.messages] == ["staying@example.jp"]
    assert alert.deliveries.get(subscriber__isnull=True).status == DeliveryStatus.DROPPED


def test_an_address_stopped_after_the_fan_out_gets_nothing(alert_world, make_draft, smtp_server):
    person = subscriber(alert_world, "a@example.jp", "suspicious")
    alert = fanned_out(alert_world, make_draft)
    Subscriber.objects.filter(pk=person.pk).update(stopped_at=at("10:01"))
    assert tasks.send_batch(ids(alert))["dropped"] == 1
    assert smtp_server.messages == []


def test_digest_rows_go_out_as_one_mail_listing_each_alert(
    alert_world, make_draft, smtp_server, settings
):
    settings.ALERTS_DIGEST_AFTER = 1
    person = subscriber(alert_world, "busy@example.jp", "suspicious")
    first = fanned_out(alert_world, make_draft, now=at("09:00"))
    tasks.send_batch(ids(first))
    later = [
        scheduled(alert_world, make_draft, "suspicious", now=at(h), title=f"不審者情報 {h}")
        for h in ("10:00", "11:00")
    ]
    for alert in later:
        services.deliveries_create(alert=alert, now=alert.send_at)
    digest_rows = Delivery.objects.filter(in_digest=True).order_by("pk")
    assert [r.not_before for r in digest_rows] == [at("19:00")] * 2
    # Before the evening nothing of them is due; at 19:00 the dispatcher publishes them
    # together, and they go as one mail.
    assert services.deliveries_publish(now=at("18:59")) == 0
    counts = tasks.send_batch([r.pk for r in digest_rows])
    assert counts["sent"] == 2
    assert len(smtp_server.messages) == 2
    digest = smtp_server.messages[-1]
    assert digest["Subject"] == "あんしんメール 本日のまとめ（2件）"
    assert digest["Message-ID"] == (
        f"<digest-{person.pk}.20261202.{digest_rows[0].pk}@{settings.ALERTS_SENDING_DOMAIN}>"
    )
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = digest.get_content()
    assert "不審者情報 10:00" in body and "不審者情報 11:00" in body
    assert body.count("配信の停止・変更：") == 1


def test_the_locmem_backend_sees_the_same_headers(alert_world, make_draft, settings):
    person = subscriber(alert_world, "a@example.jp", "suspicious")
    alert = fanned_out(alert_world, make_draft)
    tasks.send_batch(ids(alert))
    (message,) = mail.outbox
    assert message.to == ["a@example.jp"]
    assert message.extra_headers["Message-ID"] == (
        f"<alert-{alert.pk}.{person.pk}@{settings.ALERTS_SENDING_DOMAIN}>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert person.token in message.extra_headers["List-Unsubscribe"]
    assert person.token in message.body
