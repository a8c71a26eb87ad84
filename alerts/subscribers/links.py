"""The signed links of あんしんメール's double opt-in: what a sign-up, a staff member's sign-up
or an address change waits for, carried whole in the link mailed to the address (Django's
signing, salted, with a time stamp), so that nothing is stored for an address until its
owner follows the link and presses the button. An expired, tampered or garbled link is a
`LinkInvalid`; the pages answer it with a clear 400.

The link holds the address in the clear (signed, not encrypted): it travels in the query
string (`?t=`), which the access log leaves out (docker/gunicorn.conf.py), never in the path.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import BadRequest

SALT = "alerts.subscribers.links"
# What a link asks for.
SIGNUP = "signup"  # a new subscriber (a resident, or a member of staff with staff_user_id)
ADDRESS = "address"  # a subscriber's new address


class LinkInvalid(BadRequest):
    """The link is garbled, tampered with or past its life: nothing is done. A 400: the
    public pages answer it with their own page (link_invalid.html), and one left uncaught
    is still a 400, never a 500."""

    def __init__(self) -> None:
        self.message = (
            f"このリンクは無効か、有効期限（{settings.ALERTS_SIGNUP_LINK_HOURS}時間）が切れています。"
            "もう一度登録してください。"
        )
        super().__init__(self.message)


@dataclass(frozen=True)
class Choices:
    """What a subscriber receives: categories, the whole prefecture or municipalities, and
    the receive-time band (Tokyo time; both ends or neither: any time)."""

    categories: tuple[int, ...]
    whole_prefecture: bool
    municipalities: tuple[int, ...] = ()
    band_start: dt.time | None = None
    band_end: dt.time | None = None


@dataclass(frozen=True)
class Pending:
    """What a link waits for: a sign-up (with its choices, and the member of staff it is for)
    or a subscriber's address change."""

    kind: str
    email: str
    choices: Choices | None = None
    staff_user_id: int | None = None
    subscriber_id: int | None = None


def link_life() -> dt.timedelta:
    return dt.timedelta(hours=settings.ALERTS_SIGNUP_LINK_HOURS)


def pending_dumps(pending: Pending) -> str:
    payload: dict[str, object] = {"k": pending.kind, "e": pending.email}
    if pending.choices is not None:
        payload["c"] = list(pending.choices.categories)
        payload["w"] = pending.choices.whole_prefecture
        payload["m"] = list(pending.choices.municipalities)
        if pending.choices.band_start is not None and pending.choices.band_end is not None:
            payload["b"] = [
                _clock_text(pending.choices.band_start),
                _clock_text(pending.choices.band_end),
            ]
    if pending.staff_user_id is not None:
        payload["u"] = pending.staff_user_id
    if pending.subscriber_id is not None:
        payload["s"] = pending.subscriber_id
    return signing.dumps(payload, salt=SALT, compress=True)


def _ids(value: object) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise LinkInvalid
    return tuple(value)


_CLOCK = re.compile(r"[0-9]{2}:[0-9]{2}")


def _clock_text(value: dt.time) -> str:
    return value.strftime("%H:%M")


def _band(value: object) -> tuple[dt.time | None, dt.time | None]:
    """The band a link carries ("b": ["HH:MM", "HH:MM"]), or none when it carries none (links
    mailed before bands existed). Its rules are the services' (checked on confirmation)."""
    if value is None:
        return None, None
    if not isinstance(value, list) or len(value) != 2:
        raise LinkInvalid
    if not all(isinstance(v, str) and _CLOCK.fullmatch(v) for v in value):
        raise LinkInvalid
    try:
        start, end = (dt.time.fromisoformat(v) for v in value)
    except ValueError:  # 25:00
        raise LinkInvalid from None
    return start, end


def _optional_id(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise LinkInvalid
    return value


def pending_loads(token: str | None) -> Pending:
    """The link's request, or LinkInvalid (garbled, tampered, expired, or of another shape)."""
    if not token or len(token) > 4000:
        raise LinkInvalid
    try:
        payload = signing.loads(token, salt=SALT, max_age=link_life())
    except (signing.BadSignature, ValueError):
        # SignatureExpired is a BadSignature; a garbled body can fail to decompress or parse.
        raise LinkInvalid from None
    if not isinstance(payload, dict):
        raise LinkInvalid
    kind, email = payload.get("k"), payload.get("e")
    if kind not in (SIGNUP, ADDRESS) or not isinstance(email, str) or not email:
        raise LinkInvalid
    choices = None
    if kind == SIGNUP:
        whole = payload.get("w")
        if not isinstance(whole, bool):
            raise LinkInvalid
        band_start, band_end = _band(payload.get("b"))
        choices = Choices(
            _ids(payload.get("c")), whole, _ids(payload.get("m")), band_start, band_end
        )
    pending = Pending(
        kind=kind,
        email=email,
        choices=choices,
        staff_user_id=_optional_id(payload.get("u")),
        subscriber_id=_optional_id(payload.get("s")),
    )
    if kind == ADDRESS and pending.subscriber_id is None:
        raise LinkInvalid
    return pending
