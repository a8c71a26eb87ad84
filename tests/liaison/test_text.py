"""Normalising names, numbers and addresses: what makes search and the address order work."""

import pytest

from liaison import text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("０２９−１２３−４５６７", "0291234567"),
        ("(029) 123-4567", "0291234567"),
        ("310-0852", "3100852"),
    ],
)
def test_numbers_keep_only_their_digits(typed, stored):
    assert text.digits(typed) == stored


@pytest.mark.parametrize(
    ("kanji", "number"),
    [("一", 1), ("十", 10), ("十二", 12), ("二十三", 23), ("百五", 105), ("一〇五", 105)],
)
def test_kanji_numerals(kanji, number):
    assert text.kanji_to_int(kanji) == number


def test_address_order_is_natural():
    banchi = ["10-1", "2-3", "一丁目2番3号", "2-10", "1-2-3"]
    ordered = sorted(banchi, key=text.natural_key)
    assert ordered == ["1-2-3", "一丁目2番3号", "2-3", "2-10", "10-1"]
