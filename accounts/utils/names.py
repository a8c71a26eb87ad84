"""The one name normaliser every search uses: a name as an officer types it and the name as
the resident wrote it come out the same.

`fold_name` applies NFKC (full-width letters and digits, half-width kana to full-width),
turns hiragana into katakana, removes spaces and variation selectors, ignores the case of
Latin letters, and folds variant kanji (異体字: 髙→高, 﨑→崎, 德→徳, 邊・邉→辺, 齋→斎,
澤→沢 …) to one member of their family.
Search columns (a card's search_names, a user's search_name) store the folded form; the
records keep the exact one, which is what pages and prints show.

Variant families come from the maintained table `ja-itaiji` (16,660 entries). It lists,
for each character, the characters it counts as variants, not one canonical form, and
its links are loose: followed transitively they put 岸 with 広, 濱 with 頻 and 澤 with 途,
and it relates common kanji that are different names (智/知, 田/佃, 谷/穀, 斎/斉). So:

- kanji of JIS X 0208 level 1 (第一水準: the 常用漢字 and the common name kanji, all of
  which an officer can type; the table does not say which are 常用) head their own
  families and are never folded into one another;
- every other character joins the level-1 character it is related to whose set of
  variants is most like its own (濱 goes to 浜, not to 頻; 澤 to 沢, not to 途);
- the rest (characters with no level-1 relative) join their relatives, never bringing two
  level-1 families together.

Each family is represented by its level-1 member, else by its lowest code point. The
mapping is a translate table built once, on first use (a fraction of a second).

`SUPPLEMENT` corrects the table where it must: characters outside the BMP, which it does
not hold (𠮷 つちよし is not related to 吉), and variants whose table family holds several
level-1 kanji and that belong to one (﨑 to 崎, where the table's closest is 埼).
tests/accounts/test_names.py checks each entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import cache

import jaconv
from ja_itaiji import Itaiji

# Variant → the character it is a variant of (which is folded further like any other).
SUPPLEMENT: dict[str, str] = {
    "𠮷": "吉",  # U+20BB7 つちよし: outside the BMP, not in the table
    "𡈽": "土",  # U+2123D 土 with a dot (土屋, 土井): likewise
    "﨑": "崎",  # たつさき: the table relates it to 崎, 埼 and 碕 alike
    "嵜": "崎",  # likewise
}

_SPACES = re.compile(r"\s+")
# Standardised variation sequences and IVS (葛󠄀 is 葛 + U+E0100): the base character is the name.
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def _level1(char: str) -> bool:
    """Whether the character is a kanji of JIS X 0208 level 1 (EUC-JP rows 16-47)."""
    try:
        encoded = char.encode("euc_jp")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xCF


@cache
def variant_table() -> dict[int, str]:
    """{code point of a variant: its family's representative}, for str.translate."""
    near: dict[str, set[str]] = defaultdict(set)
    for key, family in Itaiji.dictionary.items():
        for member in family:
            if member != key:
                near[key].add(member)
                near[member].add(key)
    chars = sorted(near)
    parent = {c: c for c in chars}
    heads: dict[str, set[str]] = {c: {c} if _level1(c) else set() for c in chars}

    def find(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    def union(a: str, b: str) -> None:
        ra, rb = sorted((find(a), find(b)))
        if ra != rb:
            parent[rb] = ra
            heads[ra] |= heads.pop(rb)

    # Level-1 kanji head families; every other character joins its most alike level-1
    # relative (ties: the lowest code point).
    def around(c: str) -> set[str]:
        return near[c] | {c}

    loose = []
    for char in chars:
        if _level1(char):
            continue
        relatives = [c for c in near[char] if _level1(c)]
        if not relatives:
            loose.append(char)
            continue
        mine = around(char)
        best = max(
            relatives,
            key=lambda c: (len(mine & around(c)) / len(mine | around(c)), -ord(c)),
        )
        union(char, best)

    # The rest, never joining two level-1 families.
    for char in loose:
        for other in sorted(near[char]):
            if not (heads[find(char)] and heads[find(other)]):
                union(char, other)

    families: dict[str, list[str]] = defaultdict(list)
    for char in chars:
        families[find(char)].append(char)
    table: dict[int, str] = {}
    for members in families.values():
        representative = min([c for c in members if _level1(c)] or members)
        for char in members:
            if char != representative:
                table[ord(char)] = representative
    for variant, base in SUPPLEMENT.items():
        table[ord(variant)] = table.get(ord(base), base)
    return table


def fold_name(text: str) -> str:
    """A name (kanji or kana) as every search compares it: NFKC, katakana, no spaces, one
    kanji per variant family. 「𠮷田　たろう」 and 「吉田タロウ」 both give 「吉田タロウ」."""
    text = _VARIATION_SELECTORS.sub("", unicodedata.normalize("NFKC", text or ""))
    # casefold: names in Latin letters (foreign residents, staff) match in any case.
    return _SPACES.sub("", jaconv.hira2kata(text)).casefold().translate(variant_table())


def search_key(names: Iterable[str]) -> str:
    """What a search column stores: each name folded, joined by 「|」 so that a search term
    never matches across the end of one name and the start of the next."""
    return "|".join(folded for folded in (fold_name(n) for n in names if n) if folded)
