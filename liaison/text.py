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
import unicodedata

import jaconv

# Dates are written by accounts.utils.dates (Tokyo time, one format for every app); the name
# stays here for the liaison modules that call text.date_ja.
from accounts.utils.dates import date_ja as date_ja

_SPACES = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D")
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


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "")


def kana(value: str) -> str:
    """フリガナ as stored: NFKC, katakana, single spaces between given and family name."""
    return _SPACES.sub(" ", jaconv.hira2kata(nfkc(value))).strip()


def name(value: str) -> str:
    """A name as stored: half-width kana to full-width, single spaces."""
    return _SPACES.sub(" ", jaconv.h2z(value or "", kana=True, ascii=False, digit=False)).strip()


def digits(value: str) -> str:
    """Phone and postal numbers: every notation (０３−１２３４, (03)1234, 03 1234) to digits."""
    return _NON_DIGITS.sub("", nfkc(value))


def phone(value: str) -> str:
    """A phone number as stored: NFKC with every kind of dash as a hyphen (０９０−１２３４
    becomes 090-1234), as written otherwise."""
    return _DASHES.sub("-", nfkc(value)).strip()


_POSTAL_NOISE = re.compile(r"[\s〒\-−ー‐]")


def postal(value: str) -> str:
    """A postal code as stored: NFKC without 〒, hyphens and spaces. Letters stay, so that
    the seven-digit check refuses them rather than silently dropping them."""
    return _POSTAL_NOISE.sub("", nfkc(value))


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


def postal_display(code: str, *, mark: bool = True) -> str:
    """〒310-0852 as every page, print and history writes a stored 3100852 (310-0852 in an
    export's column); anything that is not seven digits as it is."""
    if not code:
        return ""
    if len(code) != 7 or not code.isdigit():
        return code
    return f"{'〒' if mark else ''}{code[:3]}-{code[3:]}"
