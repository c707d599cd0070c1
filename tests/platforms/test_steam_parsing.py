"""Pure parsing of Steam's quirkier fields (no HTTP needed)."""

from __future__ import annotations

from datetime import date

import pytest

from platforms.integrations.steam.parsing import (
    html_to_text,
    normalize_esrb,
    parse_identifier,
    parse_release_date,
    parse_required_age,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 Oct, 2007", date(2007, 10, 10)),
        ("Jun 13, 2024", date(2024, 6, 13)),
        ("1 Sept, 2015", date(2015, 9, 1)),
        ("September 3, 2019", date(2019, 9, 3)),
        ("  5 May, 2020 ", date(2020, 5, 5)),
        ("Q3 2026", None),
        ("Coming soon", None),
        ("", None),
        ("2026 年 10 月 20 日", None),
        ("31 Feb, 2020", None),
        ("10 Okt, 2007", None),
    ],
)
def test_it_parses_english_store_dates_and_nothing_vaguer(text: str, expected: date | None) -> None:
    assert parse_release_date(text) == expected


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        ("e", "E"),
        ("e10", "E10+"),
        ("E10+", "E10+"),
        ("t", "T"),
        (" m ", "M"),
        ("ao", "AO"),
        ("rp", "RP"),
        ("ec", "E"),  # Early Childhood, folded into Everyone
        ("18", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_it_normalizes_esrb_ratings_without_guessing(rating: object, expected: str) -> None:
    assert normalize_esrb(rating) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), (17, 17), ("18", 18), ("18+", 18), ("", 0), (None, 0), (True, 0), (-3, 0)],
)
def test_it_reads_required_age_as_int_or_string(value: object, expected: int) -> None:
    assert parse_required_age(value) == expected


def test_it_turns_store_html_into_plain_text() -> None:
    assert html_to_text("A &amp; B &quot;C&quot;") == 'A & B "C"'
    assert html_to_text("<p>One</p><br>Two<br/>  three  ") == "One\nTwo\nthree"
    assert html_to_text("&lt;script&gt;x&lt;/script&gt;") == "<script>x</script>"
    assert html_to_text(None) == ""


def test_it_classifies_identifiers() -> None:
    assert parse_identifier("76561197960287930") == ("steamid", "76561197960287930")
    assert parse_identifier("gabelogannewell") == ("vanity", "gabelogannewell")
    assert parse_identifier("12345") == ("vanity", "12345")
    assert parse_identifier("steamcommunity.com/id/Some_Name-1") == ("vanity", "Some_Name-1")
