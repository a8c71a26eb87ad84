"""Japanese text as every app stores it (../shared/ECOSYSTEM.md): フリガナ NFKC then katakana;
names with half-width kana made full-width and single spaces (the exact kanji kept); phone
and postal numbers NFKC, dashes as one hyphen, digits for comparing. Searching goes through
accounts.utils.names.fold_name instead."""

from __future__ import annotations

import re
import unicodedata

import jaconv

_SPACES = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D")
_DASHES = re.compile(r"[−ー‐―‒–—﹣]")
_POSTAL_NOISE = re.compile(r"[\s〒\-−ー‐]")


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


def postal(value: str) -> str:
    """A postal code as stored: NFKC without 〒, hyphens and spaces. Letters stay, so that
    the seven-digit check refuses them rather than silently dropping them."""
    return _POSTAL_NOISE.sub("", nfkc(value))


def postal_display(code: str, *, mark: bool = True) -> str:
    """〒310-0852 as every page, print and history writes a stored 3100852 (310-0852 in an
    export's column); anything that is not seven digits as it is."""
    if not code:
        return ""
    if len(code) != 7 or not code.isdigit():
        return code
    return f"{'〒' if mark else ''}{code[:3]}-{code[3:]}"
