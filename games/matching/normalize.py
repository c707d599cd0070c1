"""Title keys for matching the same game across stores.

A store title becomes a ``TitleKey``: the *core* (lowercase ASCII words, no trademark signs or
punctuation, "&" spelled "and", roman numerals II-XX as digits, no leading article), the
*edition* words found at its end ("complete edition", "game of the year"…), and *markers* for
products that are not the game itself (demo, soundtrack, DLC, season pass, beta, test server).
Editions and markers are kept apart from the core so the matcher can say why two titles differ
instead of silently treating "Complete Edition" or "Soundtrack" as the same product.

Sorting keeps using games.titles; this module never changes what a library looks like.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_TRADEMARKS = re.compile(r"[™®©℗]|\((?:tm|r|c)\)", re.IGNORECASE)
_APOSTROPHES = re.compile("[\u2019'`\u00b4]")  # right single quote, apostrophe, accents
_NON_WORD = re.compile(r"[^a-z0-9]+")
_ACRONYM = re.compile(r"(?<![\w.])((?:[A-Za-z]\.){2,}[A-Za-z]?)")  # S.T.A.L.K.E.R.
_THOUSANDS = re.compile(r"(\d),(\d{3})\b")  # Warhammer 40,000
_PAREN_YEAR = re.compile(r"\((19[5-9]\d|20\d\d)\)")
_ARTICLES = frozenset({"the", "a", "an"})

# Roman numerals 2..20. "I" is left alone: it is a word far more often than a numeral
# ("I Am Bread", "I Have No Mouth"); so is anything beyond 20 ("mix", "civ", "dc").
_ROMAN = {
    numeral: str(value)
    for value, numeral in enumerate(
        [
            "ii",
            "iii",
            "iv",
            "v",
            "vi",
            "vii",
            "viii",
            "ix",
            "x",
            "xi",
            "xii",
            "xiii",
            "xiv",
            "xv",
            "xvi",
            "xvii",
            "xviii",
            "xix",
            "xx",
        ],
        start=2,
    )
}
# One-letter numerals are a numeral only after a name ("Grand Theft Auto V"), never first.
_SHORT_ROMAN = frozenset({"v", "x"})

# Edition phrases, matched as whole words at the end of a title (after markers are read),
# longest first. A phrase is only taken when something is left of the title.
_EDITION_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(phrase.split())
            for phrase in (
                "game of the year edition",
                "game of the year",
                "goty edition",
                "goty",
                "directors cut",
                "final cut",
                "complete edition",
                "complete collection",
                "complete",
                "definitive edition",
                "definitive",
                "enhanced edition",
                "enhanced",
                "remastered edition",
                "remastered",
                "remaster",
                "deluxe edition",
                "digital deluxe edition",
                "deluxe",
                "gold edition",
                "ultimate edition",
                "special edition",
                "legendary edition",
                "anniversary edition",
                "premium edition",
                "standard edition",
                "collectors edition",
                "digital edition",
                "platinum edition",
                "royal edition",
                "extended edition",
                "redux",
                "hd edition",
                "hd",
                "edition",
            )
        ),
        key=len,
        reverse=True,
    )
)

# Marker phrases, found anywhere in the title: products that are never the game itself.
_MARKER_PHRASES: dict[tuple[str, ...], str] = {
    ("demo",): "demo",
    ("trial",): "demo",
    ("soundtrack",): "soundtrack",
    ("ost",): "soundtrack",
    ("artbook",): "soundtrack",
    ("art", "book"): "soundtrack",
    ("season", "pass"): "season pass",
    ("expansion", "pass"): "season pass",
    ("dlc",): "dlc",
    ("expansion", "pack"): "dlc",
    ("costume", "pack"): "dlc",
    ("skin", "pack"): "dlc",
    ("upgrade", "pack"): "dlc",
    ("beta",): "beta",
    ("test", "server"): "test server",
    ("public", "test"): "test server",
    ("playtest",): "test server",
    ("pts",): "test server",
}
_MAX_MARKER = max(len(phrase) for phrase in _MARKER_PHRASES)
_MARKER_WORDS = frozenset(phrase[0] for phrase in _MARKER_PHRASES)
_EDITION_LAST_WORDS = frozenset(phrase[-1] for phrase in _EDITION_PHRASES)
# Whole-title words that make a title a marker only when they end it ("… Map Pack").
_TRAILING_MARKERS = {"pack": "dlc", "bundle": "dlc"}


@dataclass(frozen=True, slots=True)
class TitleKey:
    core: str
    editions: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    year: int | None = None  # a year written in the title: "Tomb Raider (2013)"
    # The numbers in the core: sequels differ here ("portal" / "portal 2").
    numbers: frozenset[str] = frozenset()

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.core.split())

    @property
    def edition_text(self) -> str:
        return ", ".join(self.editions)


def fold(title: str) -> str:
    """Lowercase ASCII words separated by one space: no accents, trademark signs or punctuation,
    "&" spelled "and", apostrophes dropped ("Director's" → "directors")."""
    text = _TRADEMARKS.sub(" ", title)
    text = _ACRONYM.sub(lambda found: found.group(1).replace(".", ""), text)
    text = _THOUSANDS.sub(r"\1\2", text)
    if not text.isascii():  # most store titles are: they have no accents to take off
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("&", " and ").replace("+", " plus ")
    text = _APOSTROPHES.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def title_key(title: str) -> TitleKey:
    """The matching key of a store title; see the module docstring."""
    year = None
    found = _PAREN_YEAR.search(title)
    if found:
        year = int(found.group(1))
        title = title[: found.start()] + title[found.end() :]
    words = fold(title).split()
    words, markers = _take_markers(words)
    words, editions = _take_editions(words)
    words = [_numeral(word, position) for position, word in enumerate(words)]
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    numbers = frozenset(word for word in words if word.isdigit())
    return TitleKey(" ".join(words), tuple(editions), tuple(markers), year, numbers)


def _take_markers(words: list[str]) -> tuple[list[str], list[str]]:
    if not _MARKER_WORDS.intersection(words) and words and words[-1] not in _TRAILING_MARKERS:
        return words, []
    markers: list[str] = []
    kept: list[str] = []
    index = 0
    while index < len(words):
        for size in range(_MAX_MARKER, 0, -1):
            phrase = tuple(words[index : index + size])
            marker = _MARKER_PHRASES.get(phrase) if len(phrase) == size else None
            if marker is not None:
                break
        else:
            marker = None
            size = 1
        if marker is not None and (kept or index + size < len(words)):
            if marker not in markers:
                markers.append(marker)
            index += size
            continue
        kept.append(words[index])
        index += 1
    if len(kept) > 1 and kept[-1] in _TRAILING_MARKERS:
        marker = _TRAILING_MARKERS[kept.pop()]
        if marker not in markers:
            markers.append(marker)
    return kept, sorted(markers)


def _take_editions(words: list[str]) -> tuple[list[str], list[str]]:
    editions: list[str] = []
    taken = bool(words) and words[-1] in _EDITION_LAST_WORDS
    while taken:
        taken = False
        for phrase in _EDITION_PHRASES:
            size = len(phrase)
            if len(words) > size and tuple(words[-size:]) == phrase:
                words = words[:-size]
                editions.insert(0, " ".join(phrase))
                taken = True
                break
    # "The Witcher 3 Wild Hunt Complete Edition": the edition words say it, "edition" alone
    # after them adds nothing.
    return words, editions


def _numeral(word: str, position: int) -> str:
    if word in _SHORT_ROMAN:
        return _ROMAN[word] if position > 0 else word
    return _ROMAN.get(word, word)
