"""What the subscriber tests share: signing up through the public page, reading the link out
of the mail as its reader would, and a confirmed subscriber made through the real services."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Municipality
from alerts.categories.models import Category
from alerts.subscribers import links, services
from alerts.subscribers.models import Subscriber


def signup_data(
    email: str,
    categories: Iterable[Category],
    municipalities: Iterable[Municipality] = (),
) -> dict:
    chosen = [str(m.pk) for m in municipalities]
    return {
        "email": email,
        "categories": [str(c.pk) for c in categories],
        "area": "chosen" if chosen else "whole",
        "municipalities": chosen,
    }


def link_in(message: mail.EmailMessage) -> str:
    """The one link of the site in a mail, as the path and query the browser would ask for."""
    base = settings.ALERTS_PUBLIC_BASE_URL.rstrip("/")
    found = re.findall(re.escape(base) + r"(/anshin/\S+)", message.body)
    signup = reverse("anshin:signup")
    found = [url for url in found if url != signup]
    assert len(found) == 1, f"links in the mail: {found}"
    return found[0]


def signed_up(client: Client, email: str, categories, municipalities=()) -> str:
    """Sign up through the page; the confirmation link of the one mail sent."""
    before = len(mail.outbox)
    response = client.post(reverse("anshin:signup"), signup_data(email, categories, municipalities))
    assert response.status_code == 302, response.status_code
    assert len(mail.outbox) == before + 1
    return link_in(mail.outbox[-1])


def subscriber(
    email: str,
    categories: Iterable[Category],
    *,
    municipalities: Iterable[Municipality] = (),
) -> Subscriber:
    """A confirmed subscriber, through the link the sign-up would mail."""
    ids = tuple(m.pk for m in municipalities)
    pending = links.Pending(
        kind=links.SIGNUP,
        email=email,
        choices=links.Choices(tuple(c.pk for c in categories), not ids, ids),
    )
    return services.subscriber_confirm(token=links.pending_dumps(pending))
