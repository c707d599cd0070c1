"""The labelled set (tests/games/data/match_pairs.csv): automatic joins are never wrong, and
nearly every true pair is joined or suggested."""

from __future__ import annotations

from pathlib import Path

from games.matching.labelled import evaluate

PAIRS = Path(__file__).parent / "data" / "match_pairs.csv"


def test_it_has_a_labelled_set_worth_the_name():
    figures = evaluate(PAIRS)
    assert figures.pairs >= 300
    assert 0 < figures.same < figures.pairs


def test_it_never_joins_a_pair_that_is_not_one_game():
    figures = evaluate(PAIRS)
    assert figures.wrong_joins == []
    assert figures.precision == 1.0


def test_it_finds_nine_in_ten_true_pairs_counting_suggestions():
    figures = evaluate(PAIRS)
    assert figures.recall >= 0.9, figures.missed
