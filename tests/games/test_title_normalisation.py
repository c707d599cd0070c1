"""Title keys for matching: case, accents, marks, punctuation, "&", numerals, articles; editions
and non-game markers kept apart from the title itself."""

from __future__ import annotations

import pytest

from games.matching.normalize import title_key
from games.titles import sort_title


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("The Witcher® 3: Wild Hunt", "Witcher 3 - Wild Hunt"),
        ("FINAL FANTASY VII", "Final Fantasy 7"),
        ("Sid Meier\u2019s Civilization® VI", "Sid Meiers Civilization 6"),
        ("Pokémon™ Trading Card Game", "Pokemon Trading Card Game"),
        ("Ratchet & Clank", "Ratchet and Clank"),
        ("S.T.A.L.K.E.R.: Shadow of Chernobyl", "STALKER Shadow of Chernobyl"),
        ("Warhammer 40,000: Dawn of War II", "Warhammer 40000 Dawn of War 2"),
        ("Grand Theft Auto V", "Grand Theft Auto 5"),
    ],
)
def test_it_gives_store_spellings_of_one_title_one_core(first, second):
    assert title_key(first).core == title_key(second).core


@pytest.mark.parametrize(
    ("title", "core"),
    [
        ("I Am Bread", "i am bread"),  # "I" is a word, not one
        ("Mix Master", "mix master"),
        ("V Rising", "v rising"),  # a numeral only after a name
        ("Civilization VI", "civilization 6"),
        ("A Plague Tale: Innocence", "plague tale innocence"),
    ],
)
def test_it_turns_only_real_numerals_into_digits(title, core):
    assert title_key(title).core == core


@pytest.mark.parametrize(
    ("title", "core", "editions"),
    [
        (
            "The Witcher 3: Wild Hunt - Game of the Year Edition",
            "witcher 3 wild hunt",
            ("game of the year edition",),
        ),
        ("Death Stranding Director's Cut", "death stranding", ("directors cut",)),
        ("Borderlands GOTY Enhanced", "borderlands", ("goty", "enhanced")),
        ("Dark Souls: Remastered", "dark souls", ("remastered",)),
        ("Complete", "complete", ()),  # never the whole title
    ],
)
def test_it_reads_edition_words_apart(title, core, editions):
    key = title_key(title)
    assert (key.core, key.editions) == (core, editions)


@pytest.mark.parametrize(
    ("title", "markers"),
    [
        ("Hades Demo", ("demo",)),
        ("Celeste Original Soundtrack", ("soundtrack",)),
        ("Cyberpunk 2077 Season Pass", ("season pass",)),
        ("Hollow Knight: Godmaster DLC", ("dlc",)),
        ("Dota 2 Beta", ("beta",)),
        ("PUBG: Test Server", ("test server",)),
        ("Hades", ()),
        ("Demo", ()),  # a title that is only the word
    ],
)
def test_it_marks_what_is_not_the_game(title, markers):
    assert title_key(title).markers == markers


def test_it_reads_a_year_written_in_the_title():
    key = title_key("Tomb Raider (2013)")
    assert (key.core, key.year) == ("tomb raider", 2013)


def test_it_leaves_sorting_alone():
    assert sort_title("The Witcher 3") == "witcher 3"
