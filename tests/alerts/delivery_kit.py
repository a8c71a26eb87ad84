"""What the sending-queue tests share: subscribers made directly (the sign-up has its own
tests), an alert taken through the real chain to SCHEDULED (gunma preset, station A), a real
SMTP server on loopback (aiosmtpd) that keeps what it accepts and can refuse chosen
addresses with a 4xx or 5xx, and the settings that point Django's SMTP backend at it."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from alerts.drafts.models import Alert, AlertStatus
from alerts.subscribers.models import Subscriber
from tests.alerts.conftest import through_the_chain

TOKYO = dt.timezone(dt.timedelta(hours=9))


def at(clock: str, day: str = "2026-12-02") -> dt.datetime:
    """A Tokyo time on a fixed day (Wednesday 2 December 2026 unless told)."""
    return dt.datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=TOKYO)


def subscriber(
    alert_world,
    email_address: str,
    *codes: str,
    towns: tuple[str, ...] = (),
    band: tuple[str, str] | None = None,
    **fields,
) -> Subscriber:
    """A confirmed subscriber of the categories `codes`: the whole prefecture unless towns
    (keys of alert_world.municipalities) are named; `band` ("HH:MM", "HH:MM") Tokyo."""
    if band is not None:
        fields["band_start"] = dt.time.fromisoformat(band[0])
        fields["band_end"] = dt.time.fromisoformat(band[1])
    person = Subscriber.objects.create(
        email=email_address, confirmed_at=at("09:00"), whole_prefecture=not towns, **fields
    )
    person.categories.add(*(alert_world.categories[c] for c in codes))
    person.municipalities.add(*(alert_world.municipalities[t] for t in towns))
    return person


@pytest.fixture
def sending_hours_now(settings) -> None:
    """Sending hours that hold the present moment whatever the hour the suite runs at (from
    an hour ago to two hours on, past midnight if need be): an alert sent now goes now."""
    local = timezone.localtime()
    settings.ALERTS_SENDING_HOURS = [
        (local - dt.timedelta(hours=1)).strftime("%H:00"),
        (local + dt.timedelta(hours=2)).strftime("%H:00"),
    ]


def scheduled(
    alert_world,
    make_draft,
    code: str,
    *,
    now: dt.datetime,
    send_urgently: bool = False,
    **fields,
) -> Alert:
    """An alert of the category reported, approved and sent by station A's people at `now`
    (gunma preset): SCHEDULED for `now` (or the next 07:00)."""
    alert = through_the_chain(make_draft(code, **fields), now=now, send_urgently=send_urgently)
    assert alert.status == AlertStatus.SCHEDULED
    return alert


# --- A real SMTP server on loopback --------------------------------------------------------


@dataclass
class Received:
    """What the server accepted and what it refused."""

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    # Address → the reply to its RCPT ("550 …" permanent, "451 …" temporary).
    replies: dict[str, str] = field(default_factory=dict)

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class Handler:
    def __init__(self, received: Received) -> None:
        self.received = received

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.received.replies.get(address)
        if reply:
            self.received.refused.append(address)
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """An aiosmtpd server on 127.0.0.1, with Django's SMTP backend pointed at it."""
    received = Received()
    port = free_port()
    controller = Controller(Handler(received), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield received
    finally:
        controller.stop()
