"""A small but complete household for the backup tests, and ways to read and rewrite archives."""

from __future__ import annotations

import base64
import io
import json
import tarfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.db import connection
from django.utils import timezone

from gamedjinn.models import profile_for
from games.models import Collection, Match, UnlockedAchievement
from libraries.models import PlaytimeSnapshot
from platforms.models import Platform
from tests.factories import (
    AchievementFactory,
    GameFactory,
    GenreFactory,
    LibraryFactory,
    LibraryGameFactory,
    ReleaseFactory,
    SyncRunFactory,
    UserFactory,
)

API_KEY = "0123456789ABCDEF0123456789ABCDEF"


def new_key() -> str:
    import os

    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def build_household() -> None:
    alice = UserFactory(username="alice", is_staff=True, is_superuser=True)
    bob = UserFactory(username="bob")
    steam_library = LibraryFactory(owner=alice, credentials={"api_key": API_KEY})
    gog_library = LibraryFactory(owner=alice, platform=Platform.objects.get(code="gog"))
    bob_library = LibraryFactory(owner=bob)
    rpg = GenreFactory(name="RPG")
    today = timezone.localdate()
    for n in range(12):
        game = GameFactory(title=f"Quest {n}", esrb_rating="T", metacritic_score=60 + n)
        game.genres.add(rpg)
        entry = LibraryGameFactory(
            library=steam_library,
            release=ReleaseFactory(game=game),
            playtime_minutes=n * 90,
            status="completed" if n % 3 == 0 else "backlog",
            user_rating=n % 5 + 1 if n % 2 else None,
            hidden=n == 7,
            last_played_at=timezone.now() - timedelta(days=n),
        )
        for days in (30, 7):
            PlaytimeSnapshot.objects.create(
                entry=entry, taken_on=today - timedelta(days=days + n), playtime_minutes=n * 40
            )
        if n < 3:
            achievement = AchievementFactory(release=entry.release, global_percent=12.5)
            UnlockedAchievement.objects.create(
                library=steam_library, achievement=achievement, unlocked_at=timezone.now()
            )
    shared = steam_library.entries.first().release
    gog_copy = LibraryGameFactory(
        library=gog_library,
        release=ReleaseFactory(game=shared.game, platform=gog_library.platform),
        playtime_minutes=15,
    )
    Match.objects.create(
        release=gog_copy.release, matched_release=shared, method="manual", created_by=alice
    )
    LibraryGameFactory(library=bob_library, playtime_minutes=5)
    Collection.objects.create(owner=alice, name="Long RPGs", rules={"genre": "RPG"})
    SyncRunFactory(library=steam_library)
    profile = profile_for(bob)
    profile.esrb_cap = "T"
    profile.save()


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key (first column) order."""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")
            rows[table] = [tuple(row) for row in cursor.fetchall()]
    return rows


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {info.name: tar.extractfile(info).read() for info in tar if info.isfile()}


def rewrite(path: Path, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> Path:
    """A copy of the archive at PATH with its members changed by CHANGE (manifest kept first)."""
    changed = change(members(path))
    target = path.with_name("changed-" + path.name)
    with tarfile.open(target, "w:gz") as tar:
        for name, body in changed.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return target


def with_manifest(path: Path, **fields) -> Path:
    def change(files: dict[str, bytes]) -> dict[str, bytes]:
        manifest = json.loads(files["manifest.json"])
        manifest.update(fields)
        return {**files, "manifest.json": json.dumps(manifest).encode()}

    return rewrite(path, change)
