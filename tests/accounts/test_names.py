"""accounts.utils.names.fold_name: the one normaliser of every name search. Officers type the
common form; residents' cards carry the exact one; both must fold to the same key."""

from __future__ import annotations

import pytest
from ja_itaiji import Itaiji

from accounts.utils.names import SUPPLEMENT, fold_name, search_key, variant_table


@pytest.mark.parametrize(
    ("variant", "common"),
    [
        ("髙", "高"),
        ("﨑", "崎"),
        ("德", "徳"),
        ("邊", "辺"),
        ("邉", "辺"),
        ("齋", "斎"),
        ("齊", "斉"),
        ("澤", "沢"),
        ("濱", "浜"),
        ("櫻", "桜"),
        ("國", "国"),
        ("𠮷", "吉"),
        ("𡈽", "土"),
    ],
)
def test_each_variant_folds_with_its_common_form(variant, common):
    assert fold_name(variant) == fold_name(common)
    assert fold_name(f"{variant}田") == fold_name(f"{common}田")


@pytest.mark.parametrize(
    ("exact", "typed"),
    [
        ("𠮷田 太郎", "吉田太郎"),
        ("髙橋 德子", "高橋 徳子"),
        ("渡邉 健", "渡辺健"),
        ("山﨑 花", "山崎　花"),
        ("齋藤 一", "斎藤一"),
    ],
)
def test_a_full_name_in_its_exact_form_folds_like_the_typed_one(exact, typed):
    assert fold_name(exact) == fold_name(typed)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # Different names that the table's loose links would otherwise put together.
        ("岸", "広"),
        ("濱", "頻"),
        ("澤", "途"),
        ("斎", "斉"),
        ("齋", "齊"),
        ("医", "億"),
        ("雷", "塁"),
        ("高", "嵩"),
        ("辺", "迎"),
        ("智", "知"),
        ("田", "佃"),
        ("谷", "穀"),
        ("子", "仔"),
        ("崎", "埼"),
    ],
)
def test_distinct_common_kanji_stay_apart(one, other):
    assert fold_name(one) != fold_name(other)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("ﾀｶﾊｼ ﾄｸｺ", "タカハシトクコ"),  # half-width kana, voiced marks joined
        ("ｶﾞｯｺｳ", "ガッコウ"),
        ("たかはし とくこ", "タカハシトクコ"),  # hiragana
        ("タカハシ　トクコ", "タカハシトクコ"),  # full-width space
        ("ＡＢＣ　１２", "abc12"),  # full-width letters and digits, any case
        ("Nguyen Van An", "nguyenvanan"),
        ("葛\U000e0100飾", "葛飾"),  # an ideographic variation sequence
    ],
)
def test_kana_width_hiragana_spaces_and_variation_selectors(typed, folded):
    assert fold_name(typed) == folded


def test_the_table_follows_ja_itaiji_for_the_listed_families():
    # The families come from the package, not from a hand list: it relates each pair.
    for variant, common in [("髙", "高"), ("﨑", "崎"), ("德", "徳"), ("邊", "辺"), ("國", "国")]:
        assert Itaiji.is_family(variant, common)
    assert len(variant_table()) > 10_000


def test_the_supplement_holds_only_what_the_table_lacks_or_leaves_ambiguous():
    for variant, base in SUPPLEMENT.items():
        if Itaiji.is_family(variant, base):
            # Related by the table, but to more than one common kanji.
            assert len([c for c in Itaiji.get_family(variant) if c != variant]) > 1
        else:
            assert ord(variant) > 0xFFFF  # the table holds nothing outside the BMP
        assert fold_name(variant) == fold_name(base)


def test_each_family_has_one_representative_whatever_the_input():
    table = variant_table()
    # Folding is idempotent: a representative is never itself mapped elsewhere.
    assert all(ord(rep) not in table for rep in set(table.values()))
    assert fold_name(fold_name("髙橋 德子 𠮷田")) == fold_name("髙橋 德子 𠮷田")


def test_the_search_key_keeps_names_apart():
    assert search_key(["髙橋 德子", "", "たかはし とくこ"]) == "高橋徳子|タカハシトクコ"
