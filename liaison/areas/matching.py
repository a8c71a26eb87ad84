"""Addresses as the beats' areas compare them: a town (町字) and, where it has them, a 丁目.

Residents and officers write 千波町一丁目 2-3, 千波町 1-2-3, 千波町１丁目２番３号 or 阿字ケ浦町
for 阿字ヶ浦町. Both sides go through one key: NFKC, kanji numerals as digits, no spaces,
small ヶ/ヵ as ケ/カ, and a trailing 「N丁目」 split off as the 丁目.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import arabic, kanji_to_int, nfkc

_SPACES = re.compile(r"\s+")
# Only the numeral of a 丁目 is read as a number: 千波町 and 三の丸 keep their kanji.
_NUMERAL = r"[0-9〇一二三四五六七八九十百]+"
_TRAILING_CHOME = re.compile(rf"({_NUMERAL})丁目$")
_LEADING_CHOME = re.compile(r"^(\d+)丁目")
_FIRST_NUMBER = re.compile(r"^(\d+)")
# 大字 and 字 are often written or left out of the same place name.
_OAZA = re.compile(r"^(大字|字)")


def _fold(value: str) -> str:
    text = _SPACES.sub("", nfkc(value or ""))
    return text.replace("ヶ", "ケ").replace("ヵ", "カ")


def _number(numeral: str) -> int:
    return int(numeral) if numeral.isdigit() else kanji_to_int(numeral)


def split_town(town: str) -> tuple[str, int | None]:
    """千波町一丁目 → ("千波町", 1); 笠原町 → ("笠原町", None)."""
    text = _OAZA.sub("", _fold(town))
    match = _TRAILING_CHOME.search(text)
    if match and match.start() > 0:
        return text[: match.start()], _number(match.group(1))
    return text, None


@dataclass(frozen=True)
class AddressKey:
    """Where an address lies for the areas: its town, its 丁目 when written as such, and
    the first number of its 番地 (1-2-3 in a 住居表示 area is 一丁目2番3号)."""

    town: str
    chome: int | None
    first_number: int | None

    def matches(self, town: str, chome: int | None) -> bool:
        if town != self.town:
            return False
        if chome is None:
            return True
        if self.chome is not None:
            return self.chome == chome
        return self.first_number == chome


def address_key(town: str, banchi: str) -> AddressKey:
    key, chome = split_town(town)
    number = arabic(_fold(banchi))
    if chome is None:
        written = _LEADING_CHOME.match(number)
        if written:
            chome = int(written.group(1))
    first = _FIRST_NUMBER.match(number)
    return AddressKey(key, chome, int(first.group(1)) if first else None)


_WRITTEN_CHOME = re.compile(rf"\s*{_NUMERAL}\s*丁目\s*$")


@dataclass(frozen=True)
class AreaLine:
    town: str  # as written (NFKC), without its 丁目
    chome: int | None
    key: str


def parse_area_lines(text: str) -> tuple[list[AreaLine], list[str]]:
    """One area per line: 「笠原町」(the whole town) or 「千波町一丁目」「千波町 2丁目」. Returns the
    areas (a repeated line once) and, for each line that is not an area, a message naming it."""
    areas: list[AreaLine] = []
    errors: list[str] = []
    seen: set[tuple[str, int | None]] = set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        key, chome = split_town(line)
        if not key or key.isdigit() or "丁目" in key or any(ch.isdigit() for ch in key[-1:]):
            errors.append(
                f"{number}行目「{line[:30]}」：町字だけ（例：笠原町）か、町字と丁目"
                "（例：千波町一丁目）を1行に1つ書いてください。番地は書きません。"
            )
            continue
        if chome == 0:
            errors.append(f"{number}行目「{line[:30]}」：丁目は1以上の数で書いてください。")
            continue
        if (key, chome) in seen:
            continue
        seen.add((key, chome))
        written = _WRITTEN_CHOME.sub("", nfkc(line)).strip() if chome else nfkc(line).strip()
        areas.append(AreaLine(town=_SPACES.sub("", written), chome=chome, key=key))
    return areas, errors
