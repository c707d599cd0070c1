"""What PSN writes and what users paste, read exactly: ISO 8601 playtimes and NPSSO tokens."""

from __future__ import annotations

import pytest

from platforms.errors import InvalidIdentifier, MalformedResponse
from platforms.integrations.playstation.client import (
    normalized_name,
    parse_duration_minutes,
    parse_npsso,
)

NPSSO = "aB3" * 21 + "x"


@pytest.mark.parametrize(
    ("duration", "minutes"),
    [
        ("PT12H34M56S", 12 * 60 + 34),
        ("PT0S", 0),
        ("PT59S", 0),
        ("PT1M", 1),
        ("PT2H", 120),
        ("PT45M30.5S", 45),
        ("P1DT2H3M", 24 * 60 + 2 * 60 + 3),
        ("P3D", 3 * 24 * 60),
        ("PT400H0M1S", 400 * 60),
        (None, 0),
        ("", 0),
    ],
)
def test_it_reads_iso_8601_playtimes_as_whole_minutes(duration: str | None, minutes: int) -> None:
    assert parse_duration_minutes(duration) == minutes


@pytest.mark.parametrize("duration", ["12:34:56", "PT", "P", "PT-5M", "T1H", "PT1H2X", "1234"])
def test_it_refuses_durations_it_cannot_read(duration: str) -> None:
    with pytest.raises(ValueError):
        parse_duration_minutes(duration)


def test_it_turns_an_unreadable_playtime_into_one_malformed_answer_error() -> None:
    from platforms.integrations.playstation.client import _shape

    with pytest.raises(MalformedResponse) as caught, _shape("/api/gamelist/v2/users/me/titles"):
        parse_duration_minutes("about an hour")
    assert "gamelist" in caught.value.message


@pytest.mark.parametrize(
    "pasted",
    [
        NPSSO,
        f"  {NPSSO}\n",
        f'{{"npsso":"{NPSSO}"}}',
        f'{{ "npsso": "{NPSSO}" }}',
        f"npsso={NPSSO}",
        f'"{NPSSO}"',
    ],
)
def test_it_reads_the_npsso_from_what_a_user_pastes(pasted: str) -> None:
    assert parse_npsso(pasted) == NPSSO


@pytest.mark.parametrize(
    "pasted", ["", "   ", NPSSO[:-1], NPSSO + "z", '{"npsso":""}', "{not json", "hunter2"]
)
def test_it_refuses_what_cannot_be_an_npsso_in_one_sentence_without_echoing_it(
    pasted: str,
) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse_npsso(pasted)
    assert caught.value.message.count(".") <= 2
    assert not pasted.strip() or pasted.strip() not in caught.value.message


def test_it_compares_titles_ignoring_trophy_suffixes_marks_and_width() -> None:
    assert normalized_name("Ratchet & Clank™: Rift Apart Trophies") == normalized_name(
        "Ratchet & Clank: Rift Apart"
    )
    assert normalized_name("ＦＵＬＬ　ＷＩＤＴＨ Ｑｕｅｓｔ") == "full width quest"  # noqa: RUF001
    assert normalized_name("Trophy Hunter") != normalized_name("Hunter")
