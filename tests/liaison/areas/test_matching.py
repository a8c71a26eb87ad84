"""Addresses as the beats' areas read them: a town and its 丁目 however they are written."""

from __future__ import annotations

import pytest

from liaison.areas.matching import address_key, parse_area_lines, split_town


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("千波町一丁目", ("千波町", 1)),
        ("千波町 1丁目", ("千波町", 1)),
        ("千波町１２丁目", ("千波町", 12)),
        ("笠原町", ("笠原町", None)),
        ("阿字ヶ浦町", ("阿字ケ浦町", None)),
        ("大字阿字ケ浦町", ("阿字ケ浦町", None)),
        ("三の丸", ("三の丸", None)),  # a numeral in the name stays a name
    ],
)
def test_a_town_and_its_chome(written, key):
    assert split_town(written) == key


@pytest.mark.parametrize(
    ("town", "banchi", "area", "matches"),
    [
        ("千波町", "1-2-3", ("千波町", 1), True),  # 住居表示: 1-2-3 is 一丁目2番3号
        ("千波町", "一丁目2番3号", ("千波町", 1), True),
        ("千波町一丁目", "2-3", ("千波町", 1), True),
        ("千波町二丁目", "1-3", ("千波町", 1), False),  # the 丁目 written wins over 番地
        ("千波町", "2-2-3", ("千波町", 1), False),
        ("千波町", "2-2-3", ("千波町", None), True),  # the whole town
        ("千波町", "1-2-3", ("笠原町", None), False),
    ],
)
def test_an_address_in_an_area(town, banchi, area, matches):
    assert address_key(town, banchi).matches(*area) is matches


def test_the_area_box_reads_one_area_per_line_and_names_the_wrong_lines():
    areas, errors = parse_area_lines(
        "笠原町\n千波町一丁目\n\n千波町 2丁目\n千波町1-2\n千波町一丁目\n千波町0丁目"
    )
    assert [(a.town, a.chome) for a in areas] == [("笠原町", None), ("千波町", 1), ("千波町", 2)]
    assert len(errors) == 2
    assert errors[0].startswith("5行目「千波町1-2」")
    assert errors[1].startswith("7行目「千波町0丁目」")
