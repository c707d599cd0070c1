"""Epic rotates refresh tokens: the renewed set is saved before it is used, the old refresh
token dies, and a dead sign-in asks for a reconnect in one sentence."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from platforms.contract import MemoryCredentials
from platforms.errors import ReconnectRequired
from platforms.integrations.epic.client import RECONNECT_MESSAGE, EpicClient
from platforms.integrations.epic.fake_server import FakeEpic


class SaveWatcher(MemoryCredentials):
    """Remembers how many requests the fake had answered at each save."""

    def __init__(self, initial: Mapping[str, Any], fake: FakeEpic) -> None:
        super().__init__(initial)
        self.fake = fake
        self.answered_at_save: list[int] = []

    def save(self, credentials: Mapping[str, Any]) -> None:
        self.answered_at_save.append(len(self.fake.requests))
        super().save(credentials)


def connected(fake: FakeEpic, build: Callable[..., EpicClient]) -> dict[str, Any]:
    return dict(build().connect(fake.connect_values()).credentials)


def test_it_refreshes_a_token_about_to_expire_and_saves_it_before_using_it(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    stored = connected(fake_epic, epic_client)
    soon = datetime.now(UTC) + timedelta(seconds=30)
    store = SaveWatcher({**stored, "expires_at": soon.isoformat()}, fake_epic)
    before = len(fake_epic.requests)

    games = epic_client(store).get_owned_games(stored["account_id"])

    assert games
    assert store.saves == 1
    renewed = store.load()
    assert renewed["refresh_token"] != stored["refresh_token"]
    assert datetime.fromisoformat(renewed["expires_at"]) > soon
    serial = fake_epic.token_serial(renewed["access_token"])
    requests = fake_epic.requests
    first_use = next(i for i, r in enumerate(requests) if r.token_serial == serial)
    assert requests[store.answered_at_save[0] - 1].path == "/account/api/oauth/token"
    assert first_use >= store.answered_at_save[0] > before, "saved before first use"
    assert not any(r.status == 401 for r in requests[before:])


def test_it_refreshes_once_on_a_401_and_repeats_the_call(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    stored = connected(fake_epic, epic_client)
    store = MemoryCredentials(stored)
    refreshes = fake_epic.refreshes
    fake_epic.fail_next("expired_credentials")

    assert epic_client(store).get_owned_games(stored["account_id"])
    assert store.saves == 1
    assert fake_epic.refreshes == refreshes + 1


def test_it_rotates_refresh_tokens_so_the_old_one_stops_working(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    stored = connected(fake_epic, epic_client)
    store = MemoryCredentials(stored)
    fake_epic.fail_next("expired_credentials")
    epic_client(store).get_owned_games(stored["account_id"])
    assert not fake_epic.refresh_token_valid(stored["refresh_token"])
    assert fake_epic.refresh_token_valid(store.load()["refresh_token"])

    # A client that kept the old set (had it not been saved) is signed out for good.
    fake_epic.fail_next("expired_credentials")
    with pytest.raises(ReconnectRequired) as caught:
        epic_client(MemoryCredentials(stored)).get_owned_games(stored["account_id"])
    assert str(caught.value) == RECONNECT_MESSAGE
    assert str(caught.value).count(". ") == 0
    # The saved set still works after the next expiry.
    assert epic_client(store).get_owned_games(stored["account_id"])


def test_it_asks_for_a_reconnect_when_the_refresh_token_was_revoked(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    stored = connected(fake_epic, epic_client)
    store = MemoryCredentials(stored)
    fake_epic.fail_next("revoked_credentials")

    with pytest.raises(ReconnectRequired) as caught:
        epic_client(store).get_owned_games(stored["account_id"])
    assert caught.value.permanent
    assert store.saves == 0


@pytest.mark.parametrize(
    "credentials",
    [
        {"account_id": "a" * 32},
        {
            "account_id": "a" * 32,
            "refresh_token": "eg1~x",
            "refresh_expires_at": "2001-01-01T00:00:00+00:00",
        },
    ],
    ids=["no-refresh-token", "refresh-token-past-its-end"],
)
def test_it_asks_for_a_reconnect_without_asking_epic_when_no_refresh_can_work(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient], credentials: dict[str, str]
) -> None:
    with pytest.raises(ReconnectRequired):
        epic_client(MemoryCredentials(credentials)).get_owned_games("a" * 32)
    assert fake_epic.requests == []
