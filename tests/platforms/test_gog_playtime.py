"""Owned games carry the minutes played and last session from the profile's statistics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from platforms.contract import MemoryCredentials
from platforms.integrations.gog.client import GogClient
from platforms.integrations.gog.fake_server import FakeGog


def test_it_merges_playtime_and_last_played_into_every_page_of_owned_games(
    fake_gog: FakeGog, gog_client: Callable[..., GogClient]
) -> None:
    connection = gog_client().connect(fake_gog.connect_values())
    games = gog_client(MemoryCredentials(connection.credentials)).get_owned_games(
        connection.profile.external_id
    )

    world = {str(p.id): p for p in fake_gog.world.owned}
    assert len(world) > 100, "more than one page of the owned list and of the stats"
    assert {g.external_id for g in games} == set(world)
    for game in games:
        product = world[game.external_id]
        assert game.name == product.title
        assert game.playtime_minutes == (product.minutes or 0)
        if product.last_session:
            assert game.last_played == datetime.fromisoformat(product.last_session)
        else:
            assert game.last_played is None
        assert game.hidden == product.hidden
        assert game.icon_url.startswith("https://images-1.gog.com/")
    assert any(g.playtime_minutes for g in games) and any(not g.playtime_minutes for g in games)
    assert not any(g.is_dlc for g in games), "the owned list folds DLC into its game"
