"""Japanese text as the cards hold it: normalising names, kana, numbers and addresses.

Residents write full- or half-width, hiragana or katakana, 1-2-3 or 一丁目2番3号; the
search columns and sort keys hold one form so that any of those finds the card. Names are
searched through the one normaliser of every search, accounts.utils.names.fold_name (variant
kanji folded too). Rules per field from ../shared/ECOSYSTEM.md: names as stored keep the
resident's exact kanji; フリガナ NFKC then
katakana; phone and postal numbers NFKC then digits only (jaconv.normalize turns a
full-width hyphen into ー, so it stays away from numbers).
"""

from __future__ import annotations

import re

# Dates are written by accounts.utils.dates (Tokyo time, one format for every app); the name
# stays here for the liaison modules that call text.date_ja.
from accounts.utils.dates import date_ja as date_ja

# Storing forms are the ground floor's, for every app (accounts.utils.text); the names stay
# here for the liaison modules that call text.kana, text.digits …
from accounts.utils.text import digits as digits
from accounts.utils.text import kana as kana
from accounts.utils.text import name as name
from accounts.utils.text import nfkc as nfkc
from accounts.utils.text import phone as phone
from accounts.utils.text import postal as postal
from accounts.utils.text import postal_display as postal_display

_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"[−ー‐―‒–—﹣]")

_KANJI_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = re.compile(r"[〇零一二三四五六七八九十百千]+")
_NUMBER = re.compile(r"\d+")


def kanji_to_int(text: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23, 百五 → 105, 一〇五 → 105 (positional form too)."""
    if not any(ch in _KANJI_UNITS for ch in text):
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _KANJI_DIGITS:
            current = _KANJI_DIGITS[ch]
        else:
            total += (current or 1) * _KANJI_UNITS[ch]
            current = 0
    return total + current


def arabic(value: str) -> str:
    """NFKC, and kanji numerals as digits: 一丁目二番三号 → 1丁目2番3号."""
    return _KANJI_NUMBER.sub(lambda m: str(kanji_to_int(m.group())), nfkc(value))


def natural_key(value: str) -> str:
    """A sort key in which 2 comes before 10: every number zero-padded to 6 digits."""
    return _NUMBER.sub(lambda m: m.group().zfill(6), _SPACES.sub("", arabic(value)))


# 番地 as residents write it: 1-2-3, 1番地2, 一丁目2番3号, 123番地の4, 1-2-3-405 …
BANCHI_PATTERN = re.compile(r"^(\d+(丁目|番地の?|番|号|の|-))*\d+(丁目|番地|番|号)?$")


def banchi_is_valid(value: str) -> bool:
    normal = _DASHES.sub("-", arabic(value))
    return bool(BANCHI_PATTERN.match(_SPACES.sub("", normal)))
