"""Write realistic GOG Galaxy 2.0 databases, for tests and benchmarks.

The outside world here is a file, so its stand-in is a file too: ``build_galaxy_db`` writes the
tables the reader uses with Galaxy's own column names and constraints (plus a few tables the
reader ignores), and ``sample_releases`` makes a deterministic, messy library to put in it.
What makes a real file awkward is reproduced on purpose: piece type ids that differ between
installations, titles in three places, Game Pass titles that are listed but not owned, releases
with no licence, repeated title pieces, unicode everywhere.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

DEFAULT_USER_ID = 48213307915531904
DEFAULT_USER_VERSION = 40

# The piece types a Galaxy database declares; their ids are assigned per build.
PIECE_TYPES = (
    "allGameReleases",
    "dlcs",
    "meta",
    "myRating",
    "originalImages",
    "originalMeta",
    "originalTitle",
    "osCompatibility",
    "parent",
    "sortingTitle",
    "storeTags",
    "summary",
    "title",
)

_DDL = (
    "CREATE TABLE Users('id' INT64 NOT NULL PRIMARY KEY)",
    """CREATE TABLE 'Platforms'(
        'id' INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        'name' TEXT NOT NULL,
        CONSTRAINT 'UK_Platforms_name' UNIQUE ('name'))""",
    """CREATE TABLE 'PlatformConnections'(
        'userId' INT64 NOT NULL,
        'platform' TEXT NOT NULL,
        'connectionState' TEXT NOT NULL,
        CONSTRAINT 'UK_PlatformConnections_userId_platform' UNIQUE ('userId', 'platform'))""",
    """CREATE TABLE 'ReleaseKeys'(
        'key' TEXT NOT NULL PRIMARY KEY,
        CONSTRAINT 'CK_ReleaseKeys_key'
            CHECK(trim([key]) <> '' AND key LIKE '_%\\_%_' ESCAPE '\\'))""",
    """CREATE TABLE 'LibraryReleases'(
        'id' INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        'userId' INT64 NOT NULL,
        'releaseKey' TEXT NOT NULL,
        CONSTRAINT 'UK_LibraryReleases_userId_key' UNIQUE ('userId', 'releaseKey'))""",
    """CREATE TABLE 'LicensedReleases'(
        'libraryId' INTEGER NOT NULL,
        'isOwned' BOOLEAN NOT NULL,
        CONSTRAINT 'UK_LicensedReleases_libraryId' UNIQUE ('libraryId'))""",
    """CREATE TABLE 'ReleaseProperties'(
        'releaseKey' TEXT NOT NULL,
        'isDlc' INTEGER NULL DEFAULT NULL,
        'isVisibleInLibrary' INTEGER NULL DEFAULT NULL,
        'gameId' TEXT NULL DEFAULT NULL,
        CONSTRAINT 'UK_ReleaseProperties_gameReleaseKey' UNIQUE ('releaseKey'))""",
    """CREATE TABLE 'UserReleaseProperties'(
        'userId' INT64 NOT NULL,
        'releaseKey' TEXT NOT NULL,
        'isHidden' BOOLEAN NULL,
        'hasTagsFetched' BOOLEAN NOT NULL DEFAULT 0,
        CONSTRAINT 'UK_UserReleaseProperties_userId_releaseKey' UNIQUE ('userId', 'releaseKey'))""",
    """CREATE TABLE 'GamePieceTypes'(
        'id' INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        'type' TEXT NOT NULL,
        CONSTRAINT 'UK_GamePieceTypes_type' UNIQUE ('type'))""",
    # NULLs never collide in a UNIQUE constraint, so Galaxy's shared (userId NULL) pieces can
    # repeat: the "duplicate rows" older export scripts tripped over.
    """CREATE TABLE 'GamePieces'(
        'releaseKey' TEXT NOT NULL,
        'gamePieceTypeId' INTEGER NOT NULL,
        'userId' INT64,
        'value' TEXT NOT NULL,
        'languageId' INTEGER NULL,
        CONSTRAINT 'UK_GamePieces_releaseKey_gamePieceTypeId_userId_languageId'
            UNIQUE ('releaseKey', 'gamePieceTypeId', 'userId', 'languageId'))""",
    """CREATE TABLE 'GameTimes'(
        'userId' INT64 NOT NULL,
        'releaseKey' TEXT NOT NULL,
        'minutesInGame' INTEGER NOT NULL,
        CONSTRAINT 'CK_GameTimes_minutesInGame' CHECK(minutesInGame >= 0),
        CONSTRAINT 'UK_GameTimes_userId_gameReleaseKey' UNIQUE ('userId', 'releaseKey'))""",
    """CREATE TABLE 'LastPlayedDates'(
        'userId' INT64 NOT NULL,
        'gameReleaseKey' TEXT NOT NULL,
        'lastPlayedDate' TEXT NOT NULL,
        CONSTRAINT 'UK_LastPlayedDates_userId_gameReleaseKey' UNIQUE ('userId', 'gameReleaseKey'))""",
    """CREATE TABLE 'ProductPurchaseDates'(
        'gameReleaseKey' TEXT NOT NULL,
        'userId' INT64 NOT NULL,
        'purchaseDate' TEXT NULL,
        'addedDate' TEXT NULL,
        CONSTRAINT 'UK_ProductPurchaseDates_gameReleaseKey_userId'
            UNIQUE ('gameReleaseKey', 'userId'))""",
    """CREATE TABLE 'Products'(
        'id' INTEGER NOT NULL PRIMARY KEY,
        'name' TEXT NULL,
        'parentId' INTEGER NULL)""",
    """CREATE TABLE 'ProductsToReleaseKeys'(
        'externalId' INTEGER NULL,
        'gogId' INTEGER NULL,
        'releaseKey' TEXT NOT NULL,
        CONSTRAINT 'UK_ProductsToReleaseKeys_releaseKey' UNIQUE ('releaseKey'))""",
    """CREATE TABLE 'InstalledProducts'(
        'productId' INTEGER NOT NULL,
        CONSTRAINT 'UQ_InstalledProducts_productId' UNIQUE ('productId'))""",
)

# Integrations Galaxy names in Platforms / PlatformConnections (GOG itself has no row).
_PLATFORMS = ("epic", "steam", "xboxone", "uplay", "origin", "psn", "battlenet", "rockstar")


@dataclass(frozen=True)
class SampleRelease:
    """One release in the user's library, and where Galaxy keeps each of its facts."""

    key: str
    title: str | None = None  # the user's own 'title' piece
    galaxy_title: str | None = None  # Galaxy's shared 'title' piece (userId NULL)
    original_title: str | None = None  # the 'originalTitle' piece (userId NULL)
    owned: bool | None = True  # LicensedReleases.isOwned; None writes no licence at all
    is_dlc: bool = False
    hidden: bool = False
    minutes: int | None = None  # None writes no GameTimes row
    last_played: datetime | None = None
    purchased: datetime | None = None
    added: datetime | None = None
    dlcs: tuple[str, ...] = ()  # a base game's DLC keys (its 'dlcs' piece)
    group: tuple[str, ...] = ()  # every key of the same game (its 'allGameReleases' piece)
    duplicate: bool = False  # repeat its shared title pieces, as some real files do

    @property
    def expected_name(self) -> str:
        return self.title or self.galaxy_title or self.original_title or self.key

    @property
    def expected_acquired(self) -> datetime | None:
        return self.purchased or self.added


def piece_type_ids(seed: int = 0) -> dict[str, int]:
    """Distinct ids for PIECE_TYPES, shuffled by ``seed`` as two installations would differ."""
    ids = random.Random(seed).sample(range(1, 250), len(PIECE_TYPES))
    return dict(zip(PIECE_TYPES, ids, strict=True))


def build_galaxy_db(
    path: Path,
    releases: Sequence[SampleRelease],
    *,
    user_id: int | None = DEFAULT_USER_ID,
    type_id_seed: int = 0,
    type_ids: Mapping[str, int] | None = None,
    user_version: int = DEFAULT_USER_VERSION,
) -> Path:
    """Write ``releases`` as the library of ``user_id`` (None: a database with no user)."""
    types = dict(type_ids) if type_ids is not None else piece_type_ids(type_id_seed)
    path = Path(path)
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        with connection:
            for statement in _DDL:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {int(user_version)}")
            _write(connection, releases, user_id, types)
    finally:
        connection.close()
    return path


def _write(
    connection: sqlite3.Connection,
    releases: Sequence[SampleRelease],
    user_id: int | None,
    types: Mapping[str, int],
) -> None:
    user = user_id if user_id is not None else DEFAULT_USER_ID
    if user_id is not None:
        connection.execute("INSERT INTO Users(id) VALUES (?)", (user_id,))
        connection.executemany(
            "INSERT INTO PlatformConnections VALUES (?, ?, 'Connected')",
            [(user_id, name) for name in _PLATFORMS[:5]],
        )
    connection.executemany(
        "INSERT INTO Platforms(name) VALUES (?)", [(name,) for name in _PLATFORMS]
    )
    connection.executemany(
        "INSERT INTO GamePieceTypes(id, type) VALUES (?, ?)",
        sorted((type_id, name) for name, type_id in types.items()),
    )

    keys: dict[str, None] = {}
    library, licences, properties, user_properties = [], [], [], []
    pieces: list[tuple[str, int, int | None, str, int | None]] = []
    times, played, purchases, gog_products = [], [], [], []

    def piece(key: str, kind: str, owner: int | None, value: object, language: int | None = None):
        if kind in types:
            pieces.append((key, types[kind], owner, json.dumps(value), language))

    for row_id, release in enumerate(releases, start=1):
        keys.update(dict.fromkeys((release.key, *release.group, *release.dlcs)))
        library.append((row_id, user, release.key))
        if release.owned is not None:
            licences.append((row_id, int(release.owned)))
        properties.append((release.key, int(release.is_dlc), 1, str(10**16 + row_id)))
        user_properties.append((user, release.key, int(release.hidden), 1))
        if release.title is not None:
            piece(release.key, "title", user, {"title": release.title})
            piece(
                release.key,
                "sortingTitle",
                user,
                {"isModifiedByUser": False, "title": release.title},
            )
        if release.galaxy_title is not None:
            piece(release.key, "title", None, {"title": release.galaxy_title})
            if release.duplicate:
                piece(release.key, "title", None, {"title": release.galaxy_title})
                piece(release.key, "title", None, {"title": release.galaxy_title}, 1)
        if release.original_title is not None:
            piece(release.key, "originalTitle", None, {"title": release.original_title})
            if release.duplicate:
                piece(release.key, "originalTitle", None, {"title": release.original_title})
        piece(
            release.key,
            "allGameReleases",
            None,
            {"releases": list(release.group or (release.key,))},
        )
        piece(release.key, "dlcs", None, {"dlcs": list(release.dlcs)})
        piece(release.key, "meta", user, _meta(row_id))
        piece(
            release.key,
            "osCompatibility",
            None,
            {"supported": [{"name": "Windows", "slug": "windows", "versions": None}]},
        )
        if release.minutes is not None:
            times.append((user, release.key, release.minutes))
        if release.last_played is not None:
            played.append((user, release.key, _stamp(release.last_played)))
        if release.purchased is not None or release.added is not None:
            purchases.append((release.key, user, _stamp(release.purchased), _stamp(release.added)))
        if release.key.startswith("gog_") and release.key[4:].isdigit():
            gog_products.append(int(release.key[4:]))

    connection.executemany("INSERT INTO ReleaseKeys(key) VALUES (?)", [(k,) for k in keys])
    connection.executemany("INSERT INTO LibraryReleases VALUES (?, ?, ?)", library)
    connection.executemany("INSERT INTO LicensedReleases VALUES (?, ?)", licences)
    connection.executemany("INSERT INTO ReleaseProperties VALUES (?, ?, ?, ?)", properties)
    connection.executemany("INSERT INTO UserReleaseProperties VALUES (?, ?, ?, ?)", user_properties)
    connection.executemany("INSERT INTO GamePieces VALUES (?, ?, ?, ?, ?)", pieces)
    connection.executemany("INSERT INTO GameTimes VALUES (?, ?, ?)", times)
    connection.executemany("INSERT INTO LastPlayedDates VALUES (?, ?, ?)", played)
    connection.executemany("INSERT INTO ProductPurchaseDates VALUES (?, ?, ?, ?)", purchases)
    products = sorted(set(gog_products))
    connection.executemany("INSERT INTO Products(id) VALUES (?)", [(p,) for p in products])
    connection.executemany(
        "INSERT INTO ProductsToReleaseKeys(gogId, releaseKey) VALUES (?, ?)",
        [(p, f"gog_{p}") for p in products],
    )
    connection.executemany(
        "INSERT INTO InstalledProducts VALUES (?)", [(p,) for p in products[::7]]
    )


def _meta(seed: int) -> dict[str, object]:
    return {
        "criticsScore": None if seed % 3 else 70 + seed % 25,
        "developers": [f"Studio {seed % 97}"],
        "genres": [("Role-playing (RPG)", "Strategy", "Shooter", "Adventure")[seed % 4]],
        "publishers": [f"Publisher {seed % 41}"],
        "releaseDate": 946684800 + seed * 86400 % 800_000_000,
        "themes": [],
    }


def _stamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


# --- a realistic library -------------------------------------------------------------------

_OWNED_STORES = (("gog", 30), ("steam", 35), ("epic", 15), ("xboxone", 10), ("uplay", 10))
_FIRSTS = (
    "Légendes de",
    "Ōkami",
    "\uff33\uff55\uff50\uff45\uff52",  # full-width "Super"
    "Café",
    "Das Schwarze",
    "Ведьмак",
    "ドラゴン",
    "Zoë's",
    "Mañana",
    "Star",
    "Shadow",
    "Crystal",
    "Iron",
    "Über",
    "Ψ-Force",
    "Nuit",
)
_SECONDS = (
    "Kingdom",
    "Odyssey",
    "Protocol",
    "Frontier",
    "Requiem",
    "Garden",
    "Empire",
    "Tactics",
    "Rally",
    "Chronicles",
    "Voyage",
    "Arena",
    "Saga",
    "Légion",
    "Nexus",
    "Dungeon",
)
_ENDINGS = (
    "",
    "",
    "",
    "™",
    " II",
    ": Director\u2019s Cut",
    " \u2013 Édition Deluxe",
    " 2",
    " Ⅲ",
    " Remastered",
)
_DLC_NAMES = ("Soundtrack", "Season Pass", "Artbook", "Extra Missions", "Costume Pack")
_START = datetime(2014, 1, 1, tzinfo=UTC)


def sample_releases(n: int, seed: int = 0) -> list[SampleRelease]:
    """``n`` owned releases across five stores, plus about n/30 Game Pass titles Galaxy lists
    but the user does not own, and a few releases with no licence at all. Deterministic for
    ``seed``.

    About 12 % of games are owned twice (on two stores, one release group), 8 % of releases
    are DLC of an owned base game, 3 % hidden, 40 % never played, 4 % with repeated title
    pieces; titles sit in the user's piece, Galaxy's, the original title or nowhere.
    """
    rng = random.Random(seed)
    used_keys: set[str] = set()
    used_titles: set[str] = set()
    releases: list[SampleRelease] = []

    def new_key(platform: str) -> str:
        while True:
            if platform == "gog":
                key = f"gog_{rng.randrange(1_070_000_000, 2_147_000_000)}"
            elif platform == "steam":
                key = f"steam_{rng.randrange(10, 3_200_000)}"
            elif platform == "epic":
                key = f"epic_{rng.getrandbits(128):032x}"
            elif platform == "xboxone":
                key = f"xboxone_{rng.randrange(100_000_000, 2_147_000_000)}"
            else:
                key = f"{platform}_{rng.randrange(1, 20_000)}"
            if key not in used_keys:
                used_keys.add(key)
                return key

    def new_title() -> str:
        while True:
            title = f"{rng.choice(_FIRSTS)} {rng.choice(_SECONDS)}{rng.choice(_ENDINGS)}"
            if title in used_titles:
                title = f"{title} {rng.randrange(2, 99)}"
            if title not in used_titles:
                used_titles.add(title)
                return title

    def moment(after: datetime = _START) -> datetime:
        span = int((datetime(2026, 6, 1, tzinfo=UTC) - after).total_seconds())
        return after + timedelta(seconds=rng.randrange(max(span, 1)))

    def release(
        key: str,
        name: str,
        *,
        owned: bool | None = True,
        is_dlc: bool = False,
        group: tuple[str, ...] = (),
    ) -> SampleRelease:
        title = galaxy_title = original_title = None
        placement = rng.random()
        if placement < 0.70:
            title = name
        elif placement < 0.80:
            galaxy_title = name
        elif placement < 0.88:  # renamed by the user: their piece wins
            title, galaxy_title = name, f"{name} (Galaxy)"
        elif placement < 0.99:
            original_title = name
        # else: no title anywhere; the reader falls back to the key.
        bought = moment()
        played = rng.random() >= 0.40
        minutes = rng.randrange(1, 9000) if played else rng.choice((None, None, 0))
        dated = rng.random()
        return SampleRelease(
            key=key,
            title=title,
            galaxy_title=galaxy_title,
            original_title=original_title,
            owned=owned,
            is_dlc=is_dlc,
            hidden=rng.random() < 0.03,
            minutes=minutes,
            last_played=moment(bought) if played and rng.random() < 0.95 else None,
            purchased=bought if dated < 0.85 else None,
            added=bought + timedelta(days=rng.randrange(0, 400)) if dated >= 0.10 else None,
            group=group,
            duplicate=rng.random() < 0.04,
        )

    platforms = [p for p, _ in _OWNED_STORES]
    weights = [w for _, w in _OWNED_STORES]
    bases: dict[str, list[int]] = {p: [] for p in platforms}
    while len(releases) < n:
        platform = rng.choices(platforms, weights)[0]
        if bases[platform] and platform != "xboxone" and rng.random() < 0.08:
            base_index = rng.choice(bases[platform])
            base = releases[base_index]
            key = new_key(platform)
            name = f"{base.expected_name} \u2013 {rng.choice(_DLC_NAMES)}"
            releases.append(release(key, name, is_dlc=True))
            releases[base_index] = replace(base, dlcs=(*base.dlcs, key))
            continue
        name = new_title()
        key = new_key(platform)
        group = [key, f"generic_{rng.randrange(10**16, 10**17)}", f"test_{key}"]
        twin: str | None = None
        if len(releases) + 1 < n and rng.random() < 0.12:
            twin = new_key(rng.choice([p for p in platforms if p != platform]))
            group.insert(1, twin)
        bases[platform].append(len(releases))
        releases.append(release(key, name, group=tuple(group)))
        if twin is not None:
            bases[twin.partition("_")[0]].append(len(releases))
            releases.append(release(twin, name, group=tuple(group)))

    for _ in range(max(1, n // 30)):
        key = new_key("xboxone")
        releases.append(
            release(key, f"{new_title()} (Game Pass)", owned=False, group=(key, f"test_{key}"))
        )
    for _ in range(max(1, n // 500)):
        releases.append(release(new_key("epic"), new_title(), owned=None))
    rng.shuffle(releases)
    return releases


__all__ = [
    "DEFAULT_USER_ID",
    "PIECE_TYPES",
    "SampleRelease",
    "build_galaxy_db",
    "piece_type_ids",
    "sample_releases",
]
