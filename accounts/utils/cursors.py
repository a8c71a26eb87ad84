"""Keyset pages of newest-first lists (the access log, the change history): the cursor is the
last row shown, its timestamp and its tie-breakers, written into the 「次の50件」 link; the next
page is what comes after it. Never OFFSET: page 1,000 costs what page 1 does.

A cursor reads `<microseconds since 1970>-<key>-<key>…`; anything else decodes to None (the
page starts at the top), so a hand-edited link is never a 500.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICRO = dt.timedelta(microseconds=1)
_MICROS = re.compile(r"\d{1,17}")
_INT = re.compile(r"\d{1,19}")
_WORD = re.compile(r"[A-Za-z0-9_.]{1,100}")


def keyset_encode(when: dt.datetime, *keys: str | int) -> str:
    micros = (when - _EPOCH) // _MICRO
    return "-".join([str(micros), *(str(key) for key in keys)])


def keyset_decode(
    text: str, *kinds: type[int] | type[str]
) -> tuple[dt.datetime, tuple[str | int, ...]] | None:
    """(timestamp, keys) of a cursor whose keys are of `kinds` (int: a bigint id; str: a
    word such as a source key), or None for anything this module did not write."""
    parts = text.strip().split("-")
    if len(parts) != 1 + len(kinds) or not _MICROS.fullmatch(parts[0]):
        return None
    keys: list[str | int] = []
    for raw, kind in zip(parts[1:], kinds, strict=True):
        if kind is int:
            # Beyond a bigint PostgreSQL would refuse the query.
            if not _INT.fullmatch(raw) or int(raw) >= 2**63:
                return None
            keys.append(int(raw))
        elif _WORD.fullmatch(raw):
            keys.append(raw)
        else:
            return None
    try:
        when = _EPOCH + int(parts[0]) * _MICRO
    except OverflowError:
        return None
    return when, tuple(keys)


def keyset_after(field: str, when: dt.datetime, tie: Q) -> Q:
    """Rows after the cursor in newest-first order: older than `when`, or as old and after
    it by `tie`. The redundant `<=` gives the planner a range on the timestamp's index; the
    OR alone reads the whole table."""
    return Q(**{f"{field}__lte": when}) & (Q(**{f"{field}__lt": when}) | tie)
