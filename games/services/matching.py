"""Cross-store matching: which releases of different stores are one game, and why.

Rules, strongest first:

1. the same store and store id is already the same release (nothing to do);
2. a cross-store id from a metadata source joins releases of different stores (Galaxy's
   release groups, ``galaxy_group`` → "steam:292030"; a source's own id such as ``igdb``);
3. equal normalised titles on *different* stores join, the release year breaking ties when
   both sides have one (different years → a suggestion);
4. similar titles (rapidfuzz) only ever *suggest*.

Never joined automatically: two releases of the same store (editions, remasters and demos are
different products there), DLC with a game, demos/soundtracks/season passes/betas with anything
else, editions across stores (suggested, with the editions named), anything only a fuzzy score
links, and any pair a person rejected or a merge that was undone. Joins go through
games.services.curation.merge_many, so each is recorded and undoable.

Everything is read once in bulk and joined in dictionaries; fuzzy scoring runs only within
blocks of titles sharing a word, never over all pairs.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection, transaction
from django.utils import timezone
from rapidfuzz import fuzz, process

from games.matching.normalize import TitleKey, title_key
from games.models import Game, Match, Release, ReleaseExternalId
from games.services.catalogue import BULK_BATCH_SIZE, chunks
from games.services.curation import MatchRow, PlannedMerge, insert_matches, merge_many
from platforms.models import Platform

logger = logging.getLogger(__name__)

FUZZY_THRESHOLD = 85  # of 100: the mean of token-set and token-sort similarity
BLOCK_WORDS = 2
_BIG_BLOCK = 60  # a word in more titles than this is too common to block on
GALAXY_GROUP = "galaxy_group"
_MATCHER_LOCK = 0x6D61_7463  # any constant of our own: "matc"
_SOURCE_NAMES = {GALAXY_GROUP: "GOG Galaxy release group", "igdb": "IGDB id"}
_STORE_NAMES = {
    "steam": "Steam",
    "gog": "GOG",
    "epic": "Epic",
    "xbox": "Xbox",
    "playstation": "PlayStation",
    "ubisoft": "Ubisoft",
    "ea": "EA",
    "battlenet": "Battle.net",
    "amazon": "Amazon",
    "humble": "Humble",
    "itch": "itch.io",
}


@dataclass(frozen=True)
class Candidate:
    """A release as the matcher sees it."""

    release_id: int
    game_id: int
    store: str
    external_id: str
    title: str
    year: int | None = None
    kind: str = "game"  # the game's type: game, dlc, demo, mod, other

    # Cached on the instance: the planner asks for these millions of times.
    @cached_property
    def key(self) -> TitleKey:
        return title_key(self.title)

    @cached_property
    def any_year(self) -> int | None:
        return self.year or self.key.year

    @cached_property
    def family(self) -> tuple[str, tuple[str, ...]]:
        """What it is: DLC never goes with a game, a demo or soundtrack only with its kind."""
        key = self.key
        kind = "dlc" if self.kind == "dlc" or "dlc" in key.markers else self.kind
        return kind, key.markers


@dataclass(frozen=True, slots=True)
class Decision:
    first: int  # release ids, first < second
    second: int
    method: str
    score: float  # 0..1
    evidence: str
    join: bool


@dataclass
class MatchReport:
    joins: list[Decision] = field(default_factory=list)
    suggestions: list[Decision] = field(default_factory=list)
    releases: dict[int, Candidate] = field(default_factory=dict)
    merged_games: int = 0
    dry_run: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step

    def describe(self, decision: Decision) -> str:
        first, second = self.releases[decision.first], self.releases[decision.second]
        verb = "join" if decision.join else "suggest"
        return (
            f"{verb}: {first.title} ({_store(first.store)} {first.external_id}) = "
            f"{second.title} ({_store(second.store)} {second.external_id}) "
            f"[{decision.method}, {round(decision.score * 100)}]: {decision.evidence}"
        )


# --- the doors' entry points ----------------------------------------------------------------


def match_releases(
    release_ids: Iterable[int] | None = None, *, dry_run: bool = False
) -> MatchReport:
    """Match RELEASE_IDS (None: every release) against every release of the household.

    Writes the joins (as recorded merges) and the suggestions, unless ``dry_run``.
    """
    wanted = None if release_ids is None else set(release_ids)
    if wanted is not None and not wanted:
        return MatchReport(dry_run=dry_run)
    with transaction.atomic():
        started = time.perf_counter()
        _one_matcher_at_a_time()
        candidates = _read_candidates()
        links = list(ReleaseExternalId.objects.values_list("release_id", "source", "value"))
        decided, suggested = _read_pairs()
        read = time.perf_counter()
        plan = plan_matches(candidates, wanted, links, decided)
        planned = time.perf_counter()
        plan.dry_run = dry_run
        if not dry_run:
            _apply(plan, suggested)
        plan.timings = {
            "read": read - started,
            "plan": planned - read,
            "write": time.perf_counter() - planned,
        }
    return plan


def _one_matcher_at_a_time() -> None:
    """Two matchers planning from the same snapshot would join the same pair twice; on
    PostgreSQL a transaction-scoped advisory lock queues the second one. SQLite needs none: its
    IMMEDIATE transactions already hold the database's only write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_MATCHER_LOCK])


def enqueue_matching(release_ids: Iterable[int]) -> None:
    """Send the matcher the releases an import brought, once that import committed, so the
    import finishes without waiting for it. A message that cannot be sent is logged: the
    releases stay unmatched until the next import of them or `manage.py matchgames`."""
    ids = sorted(set(release_ids))
    if not ids:
        return
    from games.tasks import match_new_releases

    def send() -> None:
        try:
            match_new_releases.apply_async((ids,))
        except Exception:
            logger.warning("Could not enqueue matching of %d releases", len(ids), exc_info=True)

    transaction.on_commit(send)


def releases_of_owner(owner) -> list[int]:
    from libraries.models import LibraryGame

    return list(
        LibraryGame.objects.filter(library__owner=owner)
        .values_list("release_id", flat=True)
        .distinct()
    )


# --- planning (pure: no database) -------------------------------------------------------------


def plan_matches(
    candidates: Sequence[Candidate],
    new_ids: set[int] | None,
    links: Iterable[tuple[int, str, str]] = (),
    decided: set[tuple[int, int]] | frozenset[tuple[int, int]] = frozenset(),
) -> MatchReport:
    """What to join and suggest among CANDIDATES for the releases NEW_IDS (None: all)."""
    by_id = {c.release_id: c for c in candidates}
    is_new = (lambda _: True) if new_ids is None else new_ids.__contains__
    edges: list[Decision] = []
    edges += _external_id_edges(by_id, is_new, links)
    edges += _title_edges(candidates, is_new)
    edges += _fuzzy_edges(candidates, is_new, {(e.first, e.second) for e in edges})

    # Union-find over games; a join may not put two releases of one store into one game.
    parent: dict[int, int] = {}
    stores: dict[int, set[str]] = defaultdict(set)
    for c in candidates:
        stores[c.game_id].add(c.store)

    def find(game: int) -> int:
        root = game
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(game, game) != root:
            parent[game], game = root, parent[game]
        return root

    report = MatchReport(releases=by_id)
    best: dict[tuple[int, int], Decision] = {}
    for edge in sorted(edges, key=_priority):
        pair = (edge.first, edge.second)
        if pair in decided:
            continue
        a, b = find(by_id[edge.first].game_id), find(by_id[edge.second].game_id)
        if a == b:
            continue
        if edge.join:
            shared = stores[a] & stores[b]
            if not shared:
                parent[b] = a
                stores[a] |= stores.pop(b)
                report.joins.append(edge)
                best.pop(pair, None)
                continue
            names = ", ".join(_store(s) for s in sorted(shared))
            edge = Decision(
                edge.first,
                edge.second,
                edge.method,
                min(edge.score, 0.95),
                f"{edge.evidence}; not joined: both sides already have a {names} release",
                join=False,
            )
        if pair not in best or best[pair].score < edge.score:
            best[pair] = edge
    report.suggestions = [
        s for s in best.values() if find(by_id[s.first].game_id) != find(by_id[s.second].game_id)
    ]
    report.suggestions.sort(key=lambda s: (-s.score, s.first, s.second))
    return report


_METHOD_ORDER: dict[str, int] = {Match.Method.EXTERNAL_ID: 0, Match.Method.NORMALIZED_TITLE: 1}


def _priority(edge: Decision) -> tuple[int, int, float]:
    return (0 if edge.join else 1, _METHOD_ORDER.get(edge.method, 2), -edge.score)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _compatible(a: Candidate, b: Candidate) -> bool:
    return a.family == b.family


def _kind(c: Candidate) -> str:
    return c.family[0]


def _external_id_edges(
    by_id: Mapping[int, Candidate], is_new, links: Iterable[tuple[int, str, str]]
) -> list[Decision]:
    identity = {(c.store, c.external_id): c.release_id for c in by_id.values()}
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    for release_id, source, value in links:
        if release_id not in by_id:
            continue
        groups[(source, value)].add(release_id)
        if source == GALAXY_GROUP:
            store, _, external_id = value.partition(":")
            target = identity.get((store, external_id))
            if target is not None:
                groups[(source, value)].add(target)
    edges: dict[tuple[int, int], Decision] = {}
    for (source, value), members in groups.items():
        if len(members) < 2 or not any(is_new(m) for m in members):
            continue
        what = _SOURCE_NAMES.get(source, f"{source} id")
        evidence = f"same {what}" if source == GALAXY_GROUP else f"same {what} {value}"
        ordered = sorted(members)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                a, b = by_id[first], by_id[second]
                if not (is_new(first) or is_new(second)) or not _compatible(a, b):
                    continue
                if a.store == b.store:
                    edges.setdefault(
                        (first, second),
                        Decision(
                            first,
                            second,
                            Match.Method.EXTERNAL_ID,
                            0.9,
                            f"{evidence}; not joined: both on {_store(a.store)}, where they "
                            "are different products",
                            join=False,
                        ),
                    )
                    continue
                edges[(first, second)] = Decision(
                    first, second, Match.Method.EXTERNAL_ID, 1.0, evidence, join=True
                )
    return list(edges.values())


def _years_differ(a: Candidate, b: Candidate) -> bool:
    ya, yb = a.any_year, b.any_year
    return ya is not None and yb is not None and ya != yb


def _title_edges(candidates: Sequence[Candidate], is_new) -> list[Decision]:
    by_core: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.key.core:
            by_core[c.key.core].append(c)
    edges: list[Decision] = []
    seen: set[tuple[int, int]] = set()
    for core, group in by_core.items():
        if len(group) < 2 or not any(is_new(c.release_id) for c in group):
            continue
        for a in group:
            if not is_new(a.release_id):
                continue
            for b in group:
                if b.release_id == a.release_id or a.store == b.store or not _compatible(a, b):
                    continue
                pair = _pair(a.release_id, b.release_id)
                if pair in seen:
                    continue
                seen.add(pair)
                edges.append(_title_decision(a, b, core, group))
    return edges


def _title_decision(a: Candidate, b: Candidate, core: str, group: list[Candidate]) -> Decision:
    first, second = _pair(a.release_id, b.release_id)
    evidence = f"titles equal after normalising: {core}"
    ka, kb = a.key, b.key
    if ka.editions != kb.editions:
        editions = " / ".join(k.edition_text or "no edition" for k in (ka, kb))
        return Decision(
            first,
            second,
            Match.Method.NORMALIZED_TITLE,
            0.9,
            f"{evidence}; editions differ: {editions}",
            join=False,
        )
    if _years_differ(a, b):
        return Decision(
            first,
            second,
            Match.Method.NORMALIZED_TITLE,
            0.8,
            f"{evidence}; release years differ: {a.any_year} and {b.any_year}",
            join=False,
        )
    if (ka.year is None) != (kb.year is None) and (a.year is None or b.year is None):
        # "Resident Evil 2 (1998)" names its year to tell itself from a namesake; a title
        # without one may be that namesake.
        return Decision(
            first,
            second,
            Match.Method.NORMALIZED_TITLE,
            0.85,
            f"{evidence}; only one title names a year",
            join=False,
        )
    if ka.markers:
        return Decision(
            first,
            second,
            Match.Method.NORMALIZED_TITLE,
            0.9,
            f"{evidence}; {', '.join(ka.markers)}: never joined automatically",
            join=False,
        )
    # Two products with this very title on one store: which one the other store sells is a
    # guess, so it is only suggested.
    for one, other in ((a, b), (b, a)):
        rivals = [
            c
            for c in group
            if c.store == other.store
            and c.key.editions == ka.editions
            and c.key.markers == ka.markers
            and not _years_differ(one, c)
            and _kind(c) == _kind(one)
        ]
        if len({c.game_id for c in rivals}) > 1:
            return Decision(
                first,
                second,
                Match.Method.NORMALIZED_TITLE,
                0.85,
                f"{evidence}; {_store(other.store)} has several releases with this title",
                join=False,
            )
    if a.any_year is not None and a.any_year == b.any_year:
        evidence += f"; same release year {a.any_year}"
    return Decision(first, second, Match.Method.NORMALIZED_TITLE, 1.0, evidence, join=True)


def _fuzzy_edges(
    candidates: Sequence[Candidate], is_new, known: set[tuple[int, int]]
) -> list[Decision]:
    """Similar titles on different stores. Each new title is scored only against the titles
    sharing one of its words (leaving out words so common they say nothing), never all pairs;
    releases with the same core are scored once."""
    by_core: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.key.core:
            by_core[c.key.core].append(c)
    cores = list(by_core)
    keys = [by_core[core][0].key for core in cores]
    frequency: dict[str, int] = defaultdict(int)
    for key in keys:
        for token in set(key.tokens):
            frequency[token] += 1
    blocks: dict[str, list[int]] = defaultdict(list)
    words_of: list[list[str]] = []
    for index, key in enumerate(keys):
        words = _block_words(key, frequency)
        # Indexed under every telling word, looked up by the rarest two: "Rainbow Six Siege"
        # finds "Tom Clancy's Rainbow Six Siege" through "rainbow", though the longer title's
        # own rarest words are "clancys" and "tom".
        words_of.append(words[:BLOCK_WORDS])
        for word in words:
            blocks[word].append(index)
    edges: dict[tuple[int, int], Decision] = {}
    for index, core in enumerate(cores):
        group = by_core[core]
        if not any(is_new(c.release_id) for c in group):
            continue
        near: set[int] = set()
        for word in words_of[index]:
            near.update(blocks[word])
        near.discard(index)
        if not near:
            continue
        ordered = list(near)
        # token_set_ratio is never below token_sort_ratio, so the mean reaches the threshold
        # only when token_set_ratio does.
        hits = process.extract(
            core,
            [cores[i] for i in ordered],
            scorer=fuzz.token_set_ratio,
            score_cutoff=FUZZY_THRESHOLD,
            limit=None,
        )
        for other_core, set_score, position in hits:
            other_key = keys[ordered[position]]
            if other_key.numbers != keys[index].numbers:
                continue  # a sequel, not another edition: Portal / Portal 2
            score = (set_score + fuzz.token_sort_ratio(core, other_core)) / 2
            if score < FUZZY_THRESHOLD:
                continue
            for a in group:
                if not is_new(a.release_id):
                    continue
                for b in by_core[other_core]:
                    if b.store == a.store or b.game_id == a.game_id or not _compatible(a, b):
                        continue
                    pair = _pair(a.release_id, b.release_id)
                    if pair in known or pair in edges:
                        continue
                    evidence = f"similar titles ({round(score)}): {core} / {other_core}"
                    if a.key.editions != b.key.editions:
                        editions = " / ".join(
                            k.edition_text or "no edition" for k in (a.key, b.key)
                        )
                        evidence += f"; editions differ: {editions}"
                    edges[pair] = Decision(
                        pair[0], pair[1], Match.Method.FUZZY_TITLE, score / 100, evidence, False
                    )
    return list(edges.values())


def _block_words(key: TitleKey, frequency: Mapping[str, int]) -> list[str]:
    """The title's telling words, rarest first: three letters or more, not a number, not in so
    many titles that sharing it says nothing. A title made only of common words blocks on its
    first two."""
    tokens = key.tokens
    words = sorted(
        {t for t in tokens if len(t) >= 3 and not t.isdigit() and frequency[t] <= _BIG_BLOCK},
        key=lambda t: (frequency[t], t),
    )
    if not words and tokens:
        words.append(" ".join(tokens[:2]))
    return words


def _store(code: str) -> str:
    return _STORE_NAMES.get(code, code)


# --- reading and writing ------------------------------------------------------------------


def _read_candidates() -> list[Candidate]:
    # A plain cursor: the ORM's per-value converters were a fifth of reading 50,000 releases.
    release, game = Release._meta.db_table, Game._meta.db_table
    platform = Platform._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id, r.game_id, p.code, r.external_id, r.store_name, g.title, "
            f"g.release_date, g.game_type FROM {release} r "
            f"JOIN {game} g ON g.id = r.game_id JOIN {platform} p ON p.id = r.platform_id"
        )
        rows = cursor.fetchall()
    return [
        Candidate(
            release_id,
            game_id,
            store,
            external_id,
            store_name or title,
            _year(released),
            kind,
        )
        for release_id, game_id, store, external_id, store_name, title, released, kind in rows
    ]


def _year(released: dt.date | str | None) -> int | None:
    """The year of a date column read raw: a date on PostgreSQL, ISO text on SQLite."""
    if released is None:
        return None
    if isinstance(released, str):
        return int(released[:4]) if released[:4].isdigit() else None
    return released.year


def _read_pairs() -> tuple[set[tuple[int, int]], dict[tuple[int, int], int]]:
    """Pairs already decided (never touched again) and open suggestions (pair → match id)."""
    decided: set[tuple[int, int]] = set()
    suggested: dict[tuple[int, int], int] = {}
    for match_id, first, second, status in Match.objects.values_list(
        "id", "release_id", "matched_release_id", "status"
    ):
        pair = _pair(first, second)
        if status == Match.Status.SUGGESTED:
            suggested[pair] = match_id
        else:
            decided.add(pair)
    return decided, suggested


def _apply(report: MatchReport, suggested: dict[tuple[int, int], int]) -> None:
    by_id = report.releases
    existing = (
        {
            m.pk: m
            for chunk in chunks(list(suggested.values()))
            for m in Match.objects.filter(pk__in=chunk)
        }
        if any((j.first, j.second) in suggested for j in report.joins)
        else {}
    )
    # Components of joined games: every join edge links two current games.
    parent: dict[int, int] = {}

    def find(game: int) -> int:
        while parent.get(game, game) != game:
            game = parent[game]
        return game

    for join in report.joins:
        a, b = find(by_id[join.first].game_id), find(by_id[join.second].game_id)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[int, set[int]] = defaultdict(set)
    matches: dict[int, list[Match | MatchRow]] = defaultdict(list)
    for join in report.joins:
        for release_id in (join.first, join.second):
            game = by_id[release_id].game_id
            members[find(game)].add(game)
        stored = existing.get(suggested.get((join.first, join.second), -1))
        row: Match | MatchRow
        if stored is None:
            row = MatchRow(join.first, join.second, join.method, join.score, join.evidence)
        else:
            stored.method, stored.confidence, stored.evidence = (
                join.method,
                join.score,
                join.evidence,
            )
            row = stored
        matches[find(by_id[join.first].game_id)].append(row)
    plans = [
        PlannedMerge(root, sorted(games - {root}), matches[root])
        for root, games in members.items()
        if len(games) > 1
    ]
    merge_many(plans)
    report.merged_games = sum(len(plan.others) for plan in plans)
    insert_matches(
        [
            MatchRow(s.first, s.second, s.method, s.score, s.evidence)
            for s in report.suggestions
            if (s.first, s.second) not in suggested
        ],
        timezone.now(),
    )


def store_external_ids(rows: Iterable[tuple[int, str, str]]) -> set[int]:
    """Record (release id, source, value) rows; returns the releases that gained one."""
    wanted = {(r, s, v[:100]) for r, s, v in rows if v}
    if not wanted:
        return set()
    have: set[tuple[int, str, str]] = set()
    release_ids = sorted({r for r, _, _ in wanted})
    for chunk in chunks(release_ids):
        have.update(
            ReleaseExternalId.objects.filter(release_id__in=chunk).values_list(
                "release_id", "source", "value"
            )
        )
    new = wanted - have
    ReleaseExternalId.objects.bulk_create(
        [ReleaseExternalId(release_id=r, source=s, value=v) for r, s, v in sorted(new)],
        ignore_conflicts=True,
        batch_size=BULK_BATCH_SIZE,
    )
    return {r for r, _, _ in new}


def pending_suggestions() -> int:
    return Match.objects.filter(status=Match.Status.SUGGESTED).count()


__all__ = [
    "Candidate",
    "Decision",
    "MatchReport",
    "enqueue_matching",
    "match_releases",
    "pending_suggestions",
    "plan_matches",
    "releases_of_owner",
    "store_external_ids",
]
