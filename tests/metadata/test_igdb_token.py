"""The IGDB app token: asked for once and shared through the cache, renewed when IGDB stops
accepting it, and a refused client is one clear sentence with no secret in it."""

from __future__ import annotations

import pytest

from platforms.errors import PlatformError
from platforms.metadata.igdb.client import IgdbClient


def test_it_asks_twitch_once_for_every_client_and_call(fake_igdb):
    with IgdbClient.from_settings() as first, IgdbClient.from_settings() as second:
        first.games([72])
        second.games([1942])
        first.ids_by_store("steam", ["620"])

    assert fake_igdb.tokens_issued == 1


def test_it_renews_the_token_when_igdb_answers_401(fake_igdb):
    with IgdbClient.from_settings() as client:
        client.games([72])
        fake_igdb.expire_tokens()

        games = client.games([72])

    assert games[72].name == "Portal 2"
    assert fake_igdb.tokens_issued == 2
    assert [r.status for r in fake_igdb.api_requests("games")] == [200, 401, 200]


def test_a_refused_client_is_one_sentence_without_the_secret(fake_igdb, caplog):
    fake_igdb.refuse_client = True

    with IgdbClient.from_settings() as client, pytest.raises(PlatformError) as failure:
        client.games([72])

    assert failure.value.permanent
    assert "IGDB_CLIENT_SECRET" in failure.value.message
    assert fake_igdb.client_secret not in failure.value.message
    assert fake_igdb.client_secret not in caplog.text
