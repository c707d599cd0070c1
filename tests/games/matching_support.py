"""Releases on named stores, for the matching tests."""

from __future__ import annotations

import datetime as dt

from games.models import Game, Release
from platforms.models import Platform
from tests.factories import GameFactory, ReleaseFactory


def release(store: str, title: str, *, year: int | None = None, kind: str = "game") -> Release:
    game = GameFactory(
        title=title,
        game_type=kind,
        release_date=dt.date(year, 6, 1) if year else None,
    )
    platform, _ = Platform.objects.get_or_create(code=store, defaults={"name": store.title()})
    return ReleaseFactory(platform=platform, game=game, store_name=title)


def game_of(item: Release) -> Game:
    return Release.objects.get(pk=item.pk).game
