"""Writes of subscribers (会員), and the mails and links they need (issue 13 point 10, seed 003
6⑷⑸⑹).

Double opt-in: a sign-up (a resident's, or a member of staff's from his own page) and an
address change send a signed link (alerts.subscribers.links) and store nothing; the row is
written only when the link's owner presses the button behind it. An address already
subscribed is told so by mail, and the page says the same as for a new one, so that the
form never tells a stranger who is subscribed. Unsubscribing deletes the row at once.

The choices include the receive-time band (issue 14, 5; its rules in
alerts.subscribers.bands). A subscriber whose address the queue stopped for undelivered
mail (stopped_at) receives again when he says so on his page (subscriber_resume) or when a
new address is confirmed; both clear the stop and the bounce count.

No address goes into a log line or an exception message here: a failed mail is logged by
the kind of failure only.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts import permissions
from accounts.exceptions import DomainError
from accounts.models import Municipality, User

from ..categories.models import Category
from . import bands, links
from .links import ADDRESS, SIGNUP, Choices, LinkInvalid, Pending
from .models import Subscriber

logger = logging.getLogger(__name__)

# At most this many mails to one address an hour from the sign-up and address pages: the
# form must not become a way to flood someone's phone. Counted under a keyed hash of the
# address, never the address itself; past the limit the page answers as usual, and no mail.
MAILS_PER_ADDRESS_PER_HOUR = 5


# --- Addresses and links --------------------------------------------------------------------


def normalise_address(email: str) -> str:
    """One spelling per address: Japanese carriers and mail services treat the address
    without regard to case, and a subscriber must not be registered twice by a capital."""
    return email.strip().lower()


def public_url(path: str, **query: str) -> str:
    """An absolute URL on the site as residents reach it (settings.ALERTS_PUBLIC_BASE_URL)."""
    url = settings.ALERTS_PUBLIC_BASE_URL.rstrip("/") + path
    return f"{url}?{urlencode(query)}" if query else url


def signup_url() -> str:
    return public_url(reverse("anshin:signup"))


def confirm_url(pending: Pending) -> str:
    return public_url(reverse("anshin:confirm"), t=links.pending_dumps(pending))


def manage_url(subscriber: Subscriber) -> str:
    return public_url(reverse("anshin:manage", kwargs={"token": subscriber.token}))


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The subscriber's one-button unsubscribe page, which also takes RFC 8058's one-click
    POST: the URL of every mail's List-Unsubscribe header and of its footer."""
    return public_url(reverse("anshin:unsubscribe", kwargs={"token": subscriber.token}))


def list_unsubscribe_headers(subscriber: Subscriber) -> dict[str, str]:
    """The headers of every alert mail (RFC 2369, RFC 8058 one-click)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def list_unsubscribe_headers_maker() -> Callable[[Subscriber], dict[str, str]]:
    """list_unsubscribe_headers for many subscribers at the cost of one reverse(): the
    sending queue calls it once per batch, not once per message."""
    mark = "0TOKEN0"  # token_urlsafe never needs quoting in a path
    url = unsubscribe_url(Subscriber(token=mark))
    head, _mark, tail = url.partition(mark)

    def headers(subscriber: Subscriber) -> dict[str, str]:
        return {
            "List-Unsubscribe": f"<{head}{subscriber.token}{tail}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    return headers


# --- Mail -----------------------------------------------------------------------------------


def _throttled(email: str) -> bool:
    key = "anshin:mails:" + salted_hmac("alerts.subscribers.throttle", email).hexdigest()
    cache.add(key, 0, timeout=3600)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        sent = 1
    return sent > MAILS_PER_ADDRESS_PER_HOUR


def _mail(*, email: str, subject: str, template: str, context: dict[str, object]) -> None:
    """One mail from あんしんメール's address. A refused or failed send is a refusal at the
    address field, and the log names the kind of failure, not the address."""
    if _throttled(email):
        logger.warning(
            "anshin: mail to one address held back (more than %d an hour)",
            MAILS_PER_ADDRESS_PER_HOUR,
        )
        return
    body = render_to_string(
        template,
        {
            **context,
            "domain": settings.ALERTS_SENDING_DOMAIN,
            "hours": settings.ALERTS_SIGNUP_LINK_HOURS,
            "signup_url": signup_url(),
        },
    )
    message = EmailMessage(
        subject=f"【あんしんメール】{subject}",
        body=body,
        from_email=settings.ALERTS_FROM_EMAIL,
        to=[email],
    )
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("anshin: mail not sent (%s)", type(exc).__name__)
        raise DomainError(
            "確認メールを送れませんでした。アドレスを確かめて、しばらくしてからもう一度お試しください。",
            field="email",
        ) from None


def _send_signup_link(*, email: str, choices: Choices, staff_user: User | None) -> None:
    existing = Subscriber.objects.filter(email=email).first()
    if existing is not None and (staff_user is None or existing.staff_user_id == staff_user.pk):
        # Already subscribed: the owner is told so and given his page; nothing changes.
        _mail(
            email=email,
            subject="すでに登録されています",
            template="alerts/subscribers/mail/already.txt",
            context={"manage_url": manage_url(existing)},
        )
        return
    pending = Pending(
        kind=SIGNUP,
        email=email,
        choices=choices,
        staff_user_id=staff_user.pk if staff_user is not None else None,
    )
    _mail(
        email=email,
        subject="登録の確認",
        template="alerts/subscribers/mail/confirm.txt",
        context={"confirm_url": confirm_url(pending), "staff": staff_user is not None},
    )


# --- Choices --------------------------------------------------------------------------------


def _checked(choices: Choices) -> tuple[list[Category], list[Municipality]]:
    """The categories (in use) and municipalities the choices name, or a refusal (the band's
    too: alerts.subscribers.bands)."""
    refusal = bands.band_refusal(choices.band_start, choices.band_end)
    if refusal is not None:
        field, message = refusal
        raise DomainError(message, field=field)
    categories = list(Category.objects.filter(pk__in=choices.categories, is_active=True))
    if not categories:
        raise DomainError("受け取る情報を1つ以上選んでください。", field="categories")
    if choices.whole_prefecture:
        return categories, []
    municipalities = list(Municipality.objects.filter(pk__in=choices.municipalities))
    if not municipalities:
        raise DomainError("市町村を1つ以上選んでください。", field="municipalities")
    return categories, municipalities


def _apply(subscriber: Subscriber, choices: Choices) -> None:
    categories, municipalities = _checked(choices)
    subscriber.whole_prefecture = choices.whole_prefecture
    subscriber.band_start = choices.band_start
    subscriber.band_end = choices.band_end
    subscriber.full_clean()
    try:
        with transaction.atomic():
            subscriber.save()
    except IntegrityError:  # the same address confirmed by another link a moment ago
        raise DomainError("このアドレスはすでに登録されています。") from None
    subscriber.categories.set(categories)
    subscriber.municipalities.set(municipalities)


# --- Sign-up --------------------------------------------------------------------------------


def signup_request(*, email: str, choices: Choices) -> None:
    """A resident's sign-up: a mail with the signed link (or, for an address already
    subscribed, a mail saying so with a link to its page). Nothing is stored."""
    _checked(choices)
    _send_signup_link(email=normalise_address(email), choices=choices, staff_user=None)


def staff_signup_request(*, actor: User, email: str, choices: Choices) -> None:
    """A member of staff subscribes with his own address (seed 003 6⑸): the same link, for
    him; the row names him and his station once he confirms."""
    if not (actor.is_authenticated and actor.is_active):
        raise DomainError("職員としての登録は、サインインした職員だけができます。")
    if Subscriber.objects.filter(staff_user=actor).exists():
        raise DomainError(
            "すでに登録しています。受け取る情報の変更や停止は、登録内容の画面から行ってください。"
        )
    _checked(choices)
    _send_signup_link(email=normalise_address(email), choices=choices, staff_user=actor)


@transaction.atomic
def subscriber_confirm(*, token: str) -> Subscriber:
    """Follow a link: the sign-up's subscriber is written (or, for an address already
    subscribed meanwhile, its choices replaced), or the address change made. LinkInvalid for
    a bad or expired link; a refusal for an address taken meanwhile."""
    pending = links.pending_loads(token)
    if pending.kind == ADDRESS:
        return _address_confirm(pending)
    if pending.choices is None:  # pending_loads gives every sign-up link its choices
        raise LinkInvalid
    staff_user = None
    if pending.staff_user_id is not None:
        staff_user = User.objects.filter(pk=pending.staff_user_id, is_active=True).first()
        if staff_user is None:
            raise LinkInvalid
    subscriber = Subscriber.objects.select_for_update().filter(email=pending.email).first()
    if staff_user is not None:
        mine = Subscriber.objects.select_for_update().filter(staff_user=staff_user).first()
        if mine is not None and subscriber is not None and mine.pk != subscriber.pk:
            raise DomainError(
                "このアドレスは別の登録で使われています。登録内容の画面から変更してください。"
            )
        subscriber = subscriber or mine
    if subscriber is None:
        subscriber = Subscriber(email=pending.email, confirmed_at=timezone.now())
    subscriber.email = pending.email
    if staff_user is not None:
        subscriber.staff_user = staff_user
        subscriber.staff_station = permissions.home_station(staff_user)
    _apply(subscriber, pending.choices)
    return subscriber


# --- The subscriber's own page ----------------------------------------------------------------


@transaction.atomic
def subscriber_choices_change(*, subscriber: Subscriber, choices: Choices) -> Subscriber:
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    _apply(subscriber, choices)
    return subscriber


def subscriber_address_change_request(*, subscriber: Subscriber, email: str) -> None:
    """A link to the new address; the address changes when it is followed. An address
    already subscribed is told so, and the page answers as for any other."""
    email = normalise_address(email)
    if email == subscriber.email:
        raise DomainError("今の登録と同じアドレスです。", field="email")
    existing = Subscriber.objects.filter(email=email).first()
    if existing is not None:
        _mail(
            email=email,
            subject="すでに登録されています",
            template="alerts/subscribers/mail/already.txt",
            context={"manage_url": manage_url(existing)},
        )
        return
    pending = Pending(kind=ADDRESS, email=email, subscriber_id=subscriber.pk)
    _mail(
        email=email,
        subject="アドレス変更の確認",
        template="alerts/subscribers/mail/address.txt",
        context={"confirm_url": confirm_url(pending)},
    )


def _address_confirm(pending: Pending) -> Subscriber:
    subscriber = (
        Subscriber.objects.select_for_update().filter(pk=pending.subscriber_id).first()
        if pending.subscriber_id is not None
        else None
    )
    if subscriber is None:
        # Unsubscribed since the link was sent.
        raise LinkInvalid
    if subscriber.email == pending.email:
        return subscriber
    if Subscriber.objects.filter(email=pending.email).exclude(pk=subscriber.pk).exists():
        raise DomainError("このアドレスはすでに登録されています。")
    subscriber.email = pending.email
    # A new address starts afresh: the old one's undelivered mail says nothing of it.
    subscriber.bounce_count = 0
    subscriber.stopped_at = None
    subscriber.full_clean()
    try:
        with transaction.atomic():
            subscriber.save(update_fields=["email", "bounce_count", "stopped_at", "updated_at"])
    except IntegrityError:  # registered by another link a moment ago
        raise DomainError("このアドレスはすでに登録されています。") from None
    return subscriber


@transaction.atomic
def subscriber_resume(*, subscriber: Subscriber) -> Subscriber:
    """Receive again at the same address after sending stopped for undelivered mail (the
    subscriber says the address works again: a full mailbox emptied, a filter fixed). The
    bounce count starts again from nought; a still-broken address stops again at
    settings.ALERTS_BOUNCE_LIMIT."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.stopped_at is None:
        raise DomainError("このアドレスへの配信は止まっていません。")
    subscriber.stopped_at = None
    subscriber.bounce_count = 0
    subscriber.save(update_fields=["stopped_at", "bounce_count", "updated_at"])
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    """Stop every mail at once: the row goes, with its address and choices."""
    Subscriber.objects.filter(pk=subscriber.pk).delete()
