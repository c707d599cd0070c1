"""Game titles with the word statistics of a real store catalogue, for the search benchmarks.

The fake Steam world names its games from 30 adjectives and 30 nouns and a few suffixes: 130
distinct words over 10,000 titles, so every whole-word search matches hundreds of games (each
noun is in ~350 titles, "Edition" in 1,129). Real catalogues are not like that: a few words are
everywhere ("The", "of", "Simulator", "Edition", sequel numbers), most are in a handful of
titles (names of places, heroes, invented words). These titles follow that shape: common title
words with Zipf-distributed frequencies, and a long tail of invented names. Deterministic per seed.
"""

from __future__ import annotations

import itertools
import random

# Common words of game titles, most frequent first (a Zipf rank order, not measured counts).
COMMON_WORDS = (
    "Simulator",
    "World",
    "Adventure",
    "Legends",
    "War",
    "Dark",
    "Space",
    "Tales",
    "Quest",
    "Story",
    "Heroes",
    "Night",
    "Dead",
    "Island",
    "Battle",
    "Super",
    "Kingdom",
    "Age",
    "Empire",
    "Shadow",
    "City",
    "Lost",
    "Star",
    "Fantasy",
    "Dungeon",
    "Zombie",
    "Racing",
    "Tycoon",
    "Defense",
    "Saga",
    "Chronicles",
    "Online",
    "Arena",
    "Rise",
    "Escape",
    "Legend",
    "Last",
    "Light",
    "Blood",
    "Souls",
    "Fire",
    "Iron",
    "Dragon",
    "Knight",
    "Sword",
    "Magic",
    "Castle",
    "Planet",
    "Galaxy",
    "Ocean",
    "Farm",
    "Train",
    "Truck",
    "Football",
    "Puzzle",
    "Pixel",
    "Tiny",
    "Little",
    "Secret",
    "Mystery",
    "House",
    "Journey",
    "Survival",
    "Craft",
    "Builder",
    "Factory",
    "Rogue",
    "Hunter",
    "Witch",
    "Ghost",
    "Demon",
    "Moon",
    "Winter",
    "Party",
    "Hero",
    "Return",
    "Black",
    "Red",
    "Wild",
    "Lands",
    "Realm",
    "Tower",
    "Forest",
    "Hollow",
    "Ancient",
    "Cyber",
    "Neon",
    "Storm",
    "Frontier",
    "Tactics",
    "Rebels",
    "Heart",
    "Mind",
    "Machine",
)
SUFFIXES = (
    (" 2", 0.04),
    (" 3", 0.02),
    (" II", 0.015),
    (" VR", 0.02),
    (": Remastered", 0.015),
    (": Definitive Edition", 0.01),
    (" Deluxe Edition", 0.01),
    (": Collection", 0.005),
)
RARE_NAMES = 20_000
_ONSETS = (
    "b",
    "br",
    "c",
    "d",
    "dr",
    "f",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "th",
    "v",
    "z",
    "",
)
_VOWELS = ("a", "e", "i", "o", "u", "ae", "ia", "y")
_CODAS = ("", "", "", "n", "r", "s", "l", "th", "x", "m")


def _invented_names(rng: random.Random, count: int) -> list[str]:
    """COUNT distinct made-up proper nouns (Velmora, Kaeth, Dorix …)."""
    names: set[str] = set()
    while len(names) < count:
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
            for _ in range(rng.choice((2, 2, 3)))
        )
        if 4 <= len(word) <= 10:
            names.add(word.capitalize())
    return sorted(names)


def realistic_titles(count: int, seed: int = 42) -> list[str]:
    """COUNT distinct titles shaped like store titles ("Velmora", "The Lost Kaeth",
    "Dorix of Storms 2", "Ulmara: Iron Tactics"). Each slot takes a common word (Zipf over
    COMMON_WORDS) or an invented name (Zipf over a long list, so most of them are rare)."""
    rng = random.Random(seed)
    names = _invented_names(rng, RARE_NAMES)
    rng.shuffle(names)
    common = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(COMMON_WORDS))))
    rare = list(itertools.accumulate(1 / (rank + 20) for rank in range(len(names))))

    def word() -> str:
        if rng.random() < 0.45:
            return rng.choices(COMMON_WORDS, cum_weights=common)[0]
        return rng.choices(names, cum_weights=rare)[0]

    templates = (
        lambda: word(),
        lambda: f"{word()} {word()}",
        lambda: f"{word()} {word()}",
        lambda: f"The {word()} {word()}",
        lambda: f"{word()} of {word()}",
        lambda: f"{word()}: {word()} {word()}",
    )
    titles: list[str] = []
    used: set[str] = set()
    while len(titles) < count:
        title = rng.choice(templates)()
        roll = rng.random()
        for suffix, share in SUFFIXES:
            if roll < share:
                title += suffix
                break
            roll -= share
        if title not in used:
            used.add(title)
            titles.append(title)
    return titles
