"""Write Playnite Library Exporter files (CSV and JSON), for tests and benchmarks.

The columns and their English names are the add-on's; the values look like a real library's:
US-style dates as the add-on writes them in an English Windows, time played in seconds, scores
0-100, sources that are stores and sources that are not (emulated games), unicode titles.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

HEADER = (
    "Name",
    "Hidden",
    "Game Id",
    "Added",
    "Last Played",
    "Completion Status",
    "Notes",
    "Platforms",
    "Time Played",
    "Sources",
    "User Score",
    "Id",
)


@dataclass(frozen=True)
class SampleGame:
    name: str
    source: str = "Steam"
    game_id: str = ""
    seconds: int = 0
    last_played: datetime | None = None
    completion: str = ""
    score: int | None = None
    hidden: bool = False
    notes: str = ""
    platforms: tuple[str, ...] = ("PC (Windows)",)
    added: datetime | None = None
    playnite_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _us(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return f"{moment.month}/{moment.day}/{moment.year} {moment.strftime('%I:%M:%S %p').lstrip('0')}"


def csv_row(game: SampleGame) -> dict[str, str]:
    return {
        "Name": game.name,
        "Hidden": str(game.hidden),
        "Game Id": game.game_id,
        "Added": _us(game.added),
        "Last Played": _us(game.last_played),
        "Completion Status": game.completion,
        "Notes": game.notes,
        "Platforms": ", ".join(game.platforms),
        "Time Played": str(game.seconds),
        "Sources": game.source,
        "User Score": "" if game.score is None else str(game.score),
        "Id": game.playnite_id,
        **game.extra,
    }


def build_playnite_csv(
    path: Path,
    games: Sequence[SampleGame],
    *,
    header: Sequence[str] = HEADER,
    bom: bool = False,
) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header), extrasaction="ignore")
        writer.writeheader()
        for game in games:
            writer.writerow(csv_row(game))
    return path


def build_playnite_json(path: Path, games: Sequence[SampleGame]) -> Path:
    items = [
        {
            "Id": game.playnite_id or None,
            "Name": game.name,
            "GameId": game.game_id or None,
            "Source": {"Id": "9a1e…", "Name": game.source} if game.source else None,
            "Playtime": game.seconds,
            "LastActivity": game.last_played.isoformat() if game.last_played else None,
            "CompletionStatus": {"Name": game.completion} if game.completion else None,
            "UserScore": game.score,
            "Hidden": game.hidden,
            "Notes": game.notes or None,
            "Platforms": [{"Name": name} for name in game.platforms],
            "Added": game.added.isoformat() if game.added else None,
        }
        for game in games
    ]
    path.write_text(json.dumps(items, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


_SOURCES = ("Steam", "Steam", "Steam", "GOG", "Epic", "Xbox", "Ubisoft Connect", "", "Humble")
_STATUSES = ("", "Not Played", "Playing", "Beaten", "Completed", "Abandoned", "Plan to Play")
_WORDS = ("Shadow", "Legend", "Ærø", "Void", "Crystal", "Ninja", "Space", "Dungeon", "城", "Quest")


def sample_library(count: int, *, seed: int = 14) -> list[SampleGame]:
    """A deterministic library of COUNT games on several sources, some with no store."""
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    games = []
    for number in range(count):
        source = _SOURCES[number % len(_SOURCES)]
        title = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {number}"
        game_id = {
            "Steam": str(100000 + number),
            "GOG": str(1200000000 + number),
            "Epic": f"codename{number}",
            "Xbox": f"Pub.Game{number}_8wekyb3d8bbwe",
            "Ubisoft Connect": str(5000 + number),
            "Humble": f"humble_{number}",
        }.get(source, "")
        played = rng.random() < 0.6
        games.append(
            SampleGame(
                name=title,
                source=source,
                game_id=game_id,
                seconds=rng.randrange(0, 500_000) if played else 0,
                last_played=start + timedelta(hours=rng.randrange(0, 50_000)) if played else None,
                completion=rng.choice(_STATUSES),
                score=rng.choice((None, None, 55, 80, 100)),
                hidden=rng.random() < 0.05,
                notes=rng.choice(("", "", 'Finish the DLC, "really"', "co-op with Bob\nnext")),
                platforms=("Nintendo Switch",) if not source else ("PC (Windows)",),
                added=start + timedelta(days=rng.randrange(0, 2000)),
                playnite_id=f"{number:08x}-0000-4000-8000-000000000000",
            )
        )
    return games
