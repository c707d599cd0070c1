"""Scoring the matcher against a labelled set of title pairs (tests and `make bench` use it).

Each row is a pair of releases on two stores, labelled ``same`` or ``different``. Every pair is
planned on its own, so rows cannot influence each other. Precision counts automatic joins only
(a wrong join is what a user cannot see coming); recall counts a true pair as found when it is
joined or suggested (a suggestion reaches the user's review).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Figures:
    pairs: int = 0
    same: int = 0
    joins: int = 0
    right_joins: int = 0
    found: int = 0  # true pairs joined or suggested
    as_expected: int = 0
    wrong_joins: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right_joins / self.joins if self.joins else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.same if self.same else 1.0


def outcome(row: dict[str, str]) -> str:
    from games.services.matching import Candidate, plan_matches

    def year(value: str) -> int | None:
        return int(value) if value.strip() else None

    first = Candidate(1, 1, row["store_a"], "a", row["title_a"], year(row["year_a"]), row["type_a"])
    second = Candidate(
        2, 2, row["store_b"], "b", row["title_b"], year(row["year_b"]), row["type_b"]
    )
    report = plan_matches([first, second], None)
    if report.joins:
        return "join"
    return "suggest" if report.suggestions else "nothing"


def evaluate(path: Path) -> Figures:
    figures = Figures()
    with open(path, newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            got = outcome(row)
            same = row["truth"] == "same"
            label = f"{row['title_a']} ({row['store_a']}) / {row['title_b']} ({row['store_b']})"
            figures.pairs += 1
            figures.same += same
            figures.as_expected += got == row["expected"]
            if got == "join":
                figures.joins += 1
                if same:
                    figures.right_joins += 1
                else:
                    figures.wrong_joins.append(label)
            if same:
                if got != "nothing":
                    figures.found += 1
                else:
                    figures.missed.append(label)
    return figures
