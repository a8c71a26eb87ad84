"""What the simulated people compute from the clock, apart from Locust (which patches the
process it is imported into) so that tests can check it: the auditor's TOTP code and the
times of a visit within the hours rule."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import struct
import time
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def totp(key_hex: str, at: float | None = None, *, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 as django-otp's TOTPDevice checks it (HMAC-SHA1, 30 s, 6 digits, t0 = 0)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def visit_times(now: dt.datetime | None = None) -> tuple[str, str, str]:
    """Date, start and end of a visit within the hours rule (08:30–17:00 Tokyo): the last
    ten minutes while it is daytime, otherwise the most recent 10:00–10:10 (a visit written
    up after the officer is back), so that the load records no visit outside the hours at
    any hour of the day."""
    now = (now or dt.datetime.now(TOKYO)).astimezone(TOKYO)
    if dt.time(8, 45) <= now.time() <= dt.time(17, 0):
        start = now - dt.timedelta(minutes=10)
        return now.date().isoformat(), f"{start:%H:%M}", f"{now:%H:%M}"
    day = now.date() if now.time() >= dt.time(10, 10) else now.date() - dt.timedelta(days=1)
    return day.isoformat(), "10:00", "10:10"
