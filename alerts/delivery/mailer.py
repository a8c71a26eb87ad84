"""The mails of the sending queue, made fast: an alert is rendered ONCE per task to bytes (the
shared headers and the body around the place of the unsubscribe link), and each recipient's
message is those bytes with only To, Message-ID, Date, List-Unsubscribe and
List-Unsubscribe-Post prepended and the subscriber's own link put in the footer
(../shared/ECOSYSTEM.md, Mail: building each message with Django's mail classes is the cost).

`Outbox` sends them over ONE reused smtplib connection when settings.EMAIL_BACKEND is Django's
SMTP backend (host, port, user, password and TLS from the EMAIL_* settings); with any other
backend (the console in `make run`, locmem in tests) it hands the same headers and text to
`django.core.mail.get_connection()` as an EmailMessage, so that `mail.outbox` sees them. A
token bucket holds each process to settings.ALERTS_SEND_RATE messages a second (0: no limit).

A failed send raises `Temporary` (4xx, a lost connection: try again later) or `Permanent`
(5xx for that recipient: the address does not take mail).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.quoprimime
import smtplib
import threading
import time
from dataclasses import dataclass
from email.header import Header
from email.utils import format_datetime, formataddr
from types import TracebackType

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone

from ..drafts.models import Alert
from ..drafts.views.common import mail_context, sender_name

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
FROM_NAME = "あんしんメール"
# Where each subscriber's own unsubscribe link goes in the rendered body: ASCII that no
# alert text contains, replaced per recipient.
LINK_MARK = "\x00UNSUBSCRIBE\x00"
# RFC 5321: 998 octets a line. Longer lines (a 1,000-character paragraph is 3,000 octets) go
# quoted-printable, as Django's own mail does.
MAX_LINE_OCTETS = 998
CRLF = b"\r\n"
# The rule that opens the footer of templates/alerts/drafts/mail/body.txt.
FOOTER_RULE = "――――――――――"


class Temporary(Exception):
    """Try again later: a 4xx reply, or the connection failed (`broken`: the rest of the
    batch cannot go over it)."""

    def __init__(self, error: str, *, broken: bool = False) -> None:
        super().__init__(error)
        self.broken = broken


class Permanent(Exception):
    """A 5xx reply for this recipient: the address does not take mail."""


# --- Rendering -------------------------------------------------------------------------------


def from_header() -> str:
    return formataddr((str(Header(FROM_NAME, "utf-8")), settings.ALERTS_FROM_EMAIL))


@dataclass(frozen=True)
class Rendered:
    """One mail's text, the same for every recipient except the unsubscribe link."""

    subject: str
    before: str  # body text up to the link
    after: str  # body text after it
    head: bytes  # From, Subject and MIME headers, CRLF-terminated
    body_before: bytes  # encoded body around the link
    body_after: bytes
    quoted_printable: bool

    def body(self, unsubscribe_url: str) -> str:
        return f"{self.before}{unsubscribe_url}{self.after}"

    def body_bytes(self, unsubscribe_url: str) -> bytes:
        if self.quoted_printable:
            # Each piece ends in a soft line break, so the three read as one text.
            link = _qp(unsubscribe_url)
            return self.body_before + link + b"=\r\n" + self.body_after
        return self.body_before + unsubscribe_url.encode("ascii") + self.body_after


def _qp(text: str) -> bytes:
    """Quoted-printable of the text's UTF-8 octets, CRLF lines."""
    octets = text.encode().decode("latin-1")
    return email.quoprimime.body_encode(octets, eol="\r\n").encode("ascii")


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def render(subject: str, body: str) -> Rendered:
    """The shared part of a mail whose body holds LINK_MARK once (or not at all: the link
    then ends the body)."""
    body = _lines(body)
    if LINK_MARK not in body:
        body = f"{body}\n{LINK_MARK}"
    before, _mark, after = body.partition(LINK_MARK)
    if not after.endswith("\n"):
        after += "\n"
    widest = max(len(line.encode()) for line in f"{before}{'x' * 200}{after}".split("\n"))
    qp = widest > MAX_LINE_OCTETS
    if qp:
        body_before = _qp(before) + b"=\r\n"
        body_after = _qp(after)
    else:
        body_before = before.replace("\n", "\r\n").encode()
        body_after = after.replace("\n", "\r\n").encode()
    head = CRLF.join(
        [
            f"From: {from_header()}".encode(),
            f"Subject: {Header(subject, 'utf-8').encode()}".encode(),
            b"MIME-Version: 1.0",
            b'Content-Type: text/plain; charset="utf-8"',
            b"Content-Transfer-Encoding: " + (b"quoted-printable" if qp else b"8bit"),
        ]
    )
    return Rendered(subject, before, after, head + CRLF, body_before, body_after, qp)


def render_alert(alert: Alert) -> Rendered:
    """The alert as subscribers read it (templates/alerts/drafts/mail/, the preview's text)."""
    context = mail_context(alert, unsubscribe_url=LINK_MARK)
    return render(context["mail_subject"], context["mail_body"])


def digest_subject(count: int) -> str:
    return f"あんしんメール 本日のまとめ（{count}件）"


def render_digest(alerts: list[Alert]) -> Rendered:
    """One mail listing each alert of a subscriber's evening digest, in the order sent."""
    items = []
    for alert in alerts:
        context = mail_context(alert, unsubscribe_url="")
        items.append(
            {
                "mail_subject": context["mail_subject"],
                # The alert's text without its own footer: the digest has one footer.
                "alert_text": context["mail_body"].split(FOOTER_RULE)[0].rstrip(),
                "sender_name": sender_name(alert),
            }
        )
    body = render_to_string(
        "alerts/delivery/mail/digest_body.txt",
        {"items": items, "count": len(alerts), "unsubscribe_url": LINK_MARK},
    ).strip()
    return render(digest_subject(len(alerts)), body)


def recipient_headers(
    *, to: str, message_id: str, date: dt.datetime, unsubscribe: dict[str, str]
) -> dict[str, str]:
    return {
        "To": to,
        "Message-ID": message_id,
        "Date": format_datetime(date),
        **unsubscribe,
    }


def message_bytes(rendered: Rendered, *, headers: dict[str, str], unsubscribe_url: str) -> bytes:
    """The whole message for one recipient: its own headers, the shared ones, the body."""
    own = b"".join(f"{name}: {value}".encode() + CRLF for name, value in headers.items())
    return own + rendered.head + CRLF + rendered.body_bytes(unsubscribe_url)


# --- Rate ----------------------------------------------------------------------------------


class TokenBucket:
    """At most `rate` takes a second on average, bursts up to one second's worth."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(rate, 1.0)
        self.tokens = self.capacity
        self.stamp = time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> None:
        if self.rate <= 0:
            return
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            self.tokens -= 1
            wait = -self.tokens / self.rate if self.tokens < 0 else 0.0
        if wait:
            time.sleep(wait)


_bucket: TokenBucket | None = None


def bucket() -> TokenBucket:
    """The process's bucket (one per worker process), remade when the setting changes."""
    global _bucket
    rate = float(settings.ALERTS_SEND_RATE or 0)
    if _bucket is None or _bucket.rate != rate:
        _bucket = TokenBucket(rate)
    return _bucket


# --- Sending ---------------------------------------------------------------------------------


def _classify(exc: Exception) -> Exception:
    """An smtplib or socket error as Temporary or Permanent."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()), (450, b""))
        text = f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
        return Permanent(text[:300]) if 500 <= code < 600 else Temporary(text[:300])
    if isinstance(exc, smtplib.SMTPSenderRefused):
        # Our own address refused: not the subscriber's fault, never a bounce of his.
        return Temporary(f"{exc.smtp_code} sender refused"[:300])
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Temporary(f"disconnected: {exc}"[:300], broken=True)
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error
        text = f"{exc.smtp_code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
        if 500 <= exc.smtp_code < 600:
            return Permanent(text[:300])
        return Temporary(text[:300], broken=exc.smtp_code == 421)
    return Temporary(f"{type(exc).__name__}: {exc}"[:300], broken=True)


class Outbox:
    """One connection for a task's messages: `with Outbox() as box: box.send(...)`."""

    def __init__(self) -> None:
        self.smtp: smtplib.SMTP | None = None
        self.django = None
        self.eight_bit = False
        self.use_smtplib = settings.EMAIL_BACKEND == SMTP_BACKEND

    def __enter__(self) -> Outbox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _open_smtp(self) -> smtplib.SMTP:
        timeout = settings.EMAIL_TIMEOUT or 10
        smtp: smtplib.SMTP
        if settings.EMAIL_USE_SSL:
            smtp = smtplib.SMTP_SSL(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout)
        else:
            smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout)
        smtp.ehlo()
        if settings.EMAIL_USE_TLS:
            smtp.starttls()
            smtp.ehlo()
        if settings.EMAIL_HOST_USER:
            smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        self.eight_bit = smtp.has_extn("8bitmime")
        return smtp

    def send(
        self,
        rendered: Rendered,
        *,
        to: str,
        message_id: str,
        unsubscribe_url: str,
        unsubscribe: dict[str, str],
        now: dt.datetime | None = None,
    ) -> None:
        """Send one message; Temporary or Permanent when it did not go."""
        headers = recipient_headers(
            to=to, message_id=message_id, date=now or timezone.now(), unsubscribe=unsubscribe
        )
        bucket().take()
        try:
            if self.use_smtplib:
                self._send_smtp(rendered, to, headers, unsubscribe_url)
            else:
                self._send_django(rendered, to, headers, unsubscribe_url)
        except (smtplib.SMTPException, OSError) as exc:
            classified = _classify(exc)
            if isinstance(classified, Temporary) and classified.broken:
                self.close()
            raise classified from exc

    def _send_smtp(
        self, rendered: Rendered, to: str, headers: dict[str, str], unsubscribe_url: str
    ) -> None:
        if self.smtp is None:
            self.smtp = self._open_smtp()
        options = ["BODY=8BITMIME"] if self.eight_bit and not rendered.quoted_printable else []
        self.smtp.sendmail(
            settings.ALERTS_FROM_EMAIL,
            [to],
            message_bytes(rendered, headers=headers, unsubscribe_url=unsubscribe_url),
            mail_options=options,
        )

    def _send_django(
        self, rendered: Rendered, to: str, headers: dict[str, str], unsubscribe_url: str
    ) -> None:
        if self.django is None:
            self.django = get_connection(fail_silently=False)
            self.django.open()
        message = EmailMessage(
            subject=rendered.subject,
            body=rendered.body(unsubscribe_url),
            from_email=from_header(),
            to=[to],
            headers={k: v for k, v in headers.items() if k != "To"},
            connection=self.django,
        )
        message.send(fail_silently=False)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None
        if self.django is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.django.close()
            self.django = None
