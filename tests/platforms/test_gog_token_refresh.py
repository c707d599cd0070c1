"""Renewed tokens are saved before they are used, and GOG's refresh tokens rotate."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from platforms.contract import MemoryCredentials
from platforms.errors import ReconnectRequired
from platforms.integrations.gog.client import RECONNECT_MESSAGE, GogClient
from platforms.integrations.gog.fake_server import FakeGog


class SaveWatcher(MemoryCredentials):
    """Remembers how many requests the fake had answered at each save."""

    def __init__(self, initial: Mapping[str, Any], fake: FakeGog) -> None:
        super().__init__(initial)
        self.fake = fake
        self.answered_at_save: list[int] = []

    def save(self, credentials: Mapping[str, Any]) -> None:
        self.answered_at_save.append(len(self.fake.requests))
        super().save(credentials)


def connected(fake: FakeGog, build: Callable[..., GogClient]) -> dict[str, Any]:
    return dict(build().connect(fake.connect_values()).credentials)


def test_it_refreshes_a_token_about_to_expire_and_saves_it_before_using_it(
    fake_gog: FakeGog, gog_client: Callable[..., GogClient]
) -> None:
    stored = connected(fake_gog, gog_client)
    soon = datetime.now(UTC) + timedelta(seconds=30)
    store = SaveWatcher({**stored, "expires_at": soon.isoformat()}, fake_gog)
    before = len(fake_gog.requests)

    games = gog_client(store).get_owned_games(stored["user_id"])

    assert games
    assert store.saves == 1
    renewed = store.load()
    assert renewed["refresh_token"] != stored["refresh_token"]
    assert datetime.fromisoformat(renewed["expires_at"]) > soon
    serial = fake_gog.token_serial(renewed["access_token"])
    requests = fake_gog.requests
    first_use = next(i for i, r in enumerate(requests) if r.token_serial == serial)
    assert first_use >= store.answered_at_save[0] > before, "saved before first use"
    assert not any(r.status == 401 for r in requests[before:])


def test_it_refreshes_once_on_a_401_and_repeats_the_call(
    fake_gog: FakeGog, gog_client: Callable[..., GogClient]
) -> None:
    stored = connected(fake_gog, gog_client)
    store = MemoryCredentials(stored)
    fake_gog.fail_next("expired_credentials")

    assert gog_client(store).get_owned_games(stored["user_id"])
    assert store.saves == 1
    assert fake_gog.refreshes == 1


def test_it_rotates_refresh_tokens_so_the_old_one_stops_working(
    fake_gog: FakeGog, gog_client: Callable[..., GogClient]
) -> None:
    stored = connected(fake_gog, gog_client)
    store = MemoryCredentials(stored)
    fake_gog.fail_next("expired_credentials")
    gog_client(store).get_owned_games(stored["user_id"])
    assert not fake_gog.refresh_token_valid(stored["refresh_token"])
    assert fake_gog.refresh_token_valid(store.load()["refresh_token"])

    # A client that kept the old pair (had it not been saved) is signed out for good.
    fake_gog.fail_next("expired_credentials")
    with pytest.raises(ReconnectRequired) as caught:
        gog_client(MemoryCredentials(stored)).get_owned_games(stored["user_id"])
    assert str(caught.value) == RECONNECT_MESSAGE
    # The saved pair still works after the next expiry.
    assert gog_client(store).get_owned_games(stored["user_id"])


def test_it_asks_for_a_reconnect_when_no_refresh_token_is_stored(
    fake_gog: FakeGog, gog_client: Callable[..., GogClient]
) -> None:
    with pytest.raises(ReconnectRequired):
        gog_client(MemoryCredentials({"user_id": "1", "username": "x"})).get_owned_games("1")
    assert fake_gog.requests == []
