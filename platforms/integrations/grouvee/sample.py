"""Write Grouvee CSV exports (current 20-column and older 15-column headers) for tests."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HEADER_20 = [
    "id",
    "name",
    "shelves",
    "platforms",
    "rating",
    "review_title",
    "review",
    "review_platform",
    "dates",
    "statuses",
    "genres",
    "franchises",
    "series",
    "developers",
    "publishers",
    "release_date",
    "date_added_to_collection",
    "url",
    "giantbomb_id",
    "igdb_id",
]
HEADER_15 = [
    "id",
    "name",
    "shelves",
    "platforms",
    "rating",
    "review",
    "dates",
    "statuses",
    "genres",
    "franchises",
    "developers",
    "publishers",
    "release_date",
    "url",
    "giantbomb_id",
]


@dataclass(frozen=True)
class SampleEntry:
    grouvee_id: int
    name: str
    shelves: Sequence[str] = ("Backlog",)
    platforms: Sequence[str] = ("PC",)
    rating: int | None = None
    review: str = ""
    plays: Sequence[dict[str, Any]] = field(default_factory=list)
    igdb_id: str = ""
    giantbomb_id: str = ""


def play(started: str = "None", finished: str = "None", seconds: int = 0) -> dict[str, Any]:
    return {
        "date_started": started,
        "date_finished": finished,
        "seconds_played": seconds,
        "level_of_completion": "None",
    }


def row(entry: SampleEntry) -> dict[str, str]:
    return {
        "id": str(entry.grouvee_id),
        "name": entry.name,
        "shelves": json.dumps(
            {
                shelf: {"date_added": "2024-01-05T10:00:00Z", "order": n}
                for n, shelf in enumerate(entry.shelves, 1)
            }
        ),
        "platforms": json.dumps(
            {
                p: {"url": f"https://www.grouvee.com/platforms/{n}/"}
                for n, p in enumerate(entry.platforms)
            }
        ),
        "rating": "None" if entry.rating is None else str(entry.rating),
        "review_title": "None",
        "review": entry.review or "None",
        "review_platform": "None",
        "dates": json.dumps(list(entry.plays)),
        "statuses": "[]",
        "genres": json.dumps({"Adventure": {"url": "https://www.grouvee.com/genres/1/"}}),
        "franchises": "{}",
        "series": "{}",
        "developers": "{}",
        "publishers": "{}",
        "release_date": "2017-03-03",
        "date_added_to_collection": "2024-01-05",
        "url": f"https://www.grouvee.com/games/{entry.grouvee_id}/",
        "giantbomb_id": entry.giantbomb_id or "None",
        "igdb_id": entry.igdb_id or "None",
    }


def build_grouvee_csv(
    path: Path,
    entries: Sequence[SampleEntry],
    *,
    header: Sequence[str] = HEADER_20,
    bom: bool = False,
) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header), extrasaction="ignore")
        writer.writeheader()
        for entry in entries:
            writer.writerow(row(entry))
    return path
