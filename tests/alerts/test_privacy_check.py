"""The privacy check runs its corpus: every clean sentence passes, every dirty one raises
exactly the kinds it names (seed 003 5⑵, seed 004 5⑷)."""

from __future__ import annotations

import pytest

from alerts.privacy import checker
from alerts.privacy.corpus import CLEAN, DIRTY


@pytest.mark.parametrize("sentence", CLEAN)
def test_a_clean_sentence_is_not_flagged(sentence):
    assert checker.check(sentence) == []


@pytest.mark.parametrize(("sentence", "expected"), DIRTY)
def test_a_dirty_sentence_raises_its_kinds(sentence, expected):
    assert checker.kinds(sentence) == expected


def test_every_kind_is_in_the_corpus_and_says_what_to_fix():
    covered = set().union(*(kinds for _, kinds in DIRTY))
    assert covered == set(checker.KINDS)
    for kind in checker.KINDS:
        assert checker.MESSAGES[kind].endswith("。")


def test_a_flag_says_where_it_is():
    text = "公園内で、笠原町2丁目5番3号の前を通った女性が声をかけられました。"
    [flag] = checker.check(text)
    assert flag.kind == "place_detail"
    assert text[flag.start : flag.end] == flag.text == "3号"
