"""NPSSO → code → tokens; renewed tokens saved before use; a refused refresh token replaced from
the NPSSO; a dead session ends in *needs reconnecting*; a sign-in about to end is flagged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gamedjinn.logging import redact
from platforms.contract import MemoryCredentials
from platforms.errors import InvalidCredentials, PlatformError, ReconnectRequired
from platforms.integrations.playstation.client import RECONNECT_MESSAGE
from platforms.integrations.playstation.fake_server import (
    FakePlayStation,
    generate_playstation_world,
)
from tests.platforms.playstation_helpers import aimed_fake, connected, psn_client


@pytest.fixture
def psn(settings: Any) -> Iterator[FakePlayStation]:
    with aimed_fake(settings, generate_playstation_world(30, seed=4)) as fake:
        yield fake


def test_it_stores_the_npsso_tokens_expiries_and_account_on_connect(
    psn: FakePlayStation,
) -> None:
    values = psn.connect_values()
    with psn_client() as client:
        connection = client.connect(values)

    stored = dict(connection.credentials)
    assert connection.profile.external_id == psn.world.account_id
    assert connection.profile.display_name == psn.world.online_id
    assert stored["npsso"] == values["npsso"]
    assert stored["account_id"] == psn.world.account_id
    assert stored["access_token"] and stored["refresh_token"]
    now = datetime.now(UTC)
    assert datetime.fromisoformat(stored["expires_at"]) - now < timedelta(hours=1, minutes=1)
    assert datetime.fromisoformat(stored["refresh_expires_at"]) - now > timedelta(days=59)
    assert "expires_soon_at" not in stored


def test_it_refuses_an_npsso_sony_does_not_know_with_a_sentence_and_no_secret(
    psn: FakePlayStation,
) -> None:
    unknown = "Z" * 64
    with psn_client() as client, pytest.raises(InvalidCredentials) as caught:
        client.connect({"npsso": unknown})
    assert not isinstance(caught.value, ReconnectRequired)
    assert "NPSSO" in caught.value.message and unknown not in caught.value.message


def test_it_renews_an_expired_access_token_and_saves_it_before_use(psn: FakePlayStation) -> None:
    credentials, account = connected(psn)
    before = credentials.load()
    psn.expire_access_tokens()

    with psn_client(credentials) as client:
        assert client.get_owned_games(account)

    after = credentials.load()
    assert credentials.saves == 1 and psn.refreshes == 1
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] == before["refresh_token"]


def test_it_signs_in_again_from_the_npsso_when_the_refresh_token_is_revoked(
    psn: FakePlayStation,
) -> None:
    credentials, account = connected(psn)
    before = credentials.load()
    psn.revoke_refresh_tokens()

    with psn_client(credentials) as client:
        assert client.get_owned_games(account)

    after = credentials.load()
    assert credentials.saves == 1
    assert after["refresh_token"] != before["refresh_token"]
    assert after["npsso"] == before["npsso"]


def test_it_asks_for_a_new_npsso_when_neither_the_refresh_token_nor_the_npsso_works(
    psn: FakePlayStation,
) -> None:
    credentials, account = connected(psn)
    psn.revoke_refresh_tokens()
    psn.expire_npsso()

    with psn_client(credentials) as client, pytest.raises(ReconnectRequired) as caught:
        client.get_owned_games(account)

    assert caught.value.message == RECONNECT_MESSAGE
    assert caught.value.message.startswith("PlayStation signed this library out; get a new NPSSO")
    assert credentials.saves == 0


def test_it_flags_a_sign_in_that_ends_within_a_week(psn: FakePlayStation) -> None:
    psn.npsso_lifetime = 3 * 86400  # the NPSSO was copied almost two months ago
    with psn_client() as client:
        stored = dict(client.connect(psn.connect_values()).credentials)

    flagged = datetime.fromisoformat(stored["expires_soon_at"])
    assert flagged == datetime.fromisoformat(stored["refresh_expires_at"])
    assert timedelta(days=2) < flagged - datetime.now(UTC) <= timedelta(days=3)


def test_it_flags_a_stored_sign_in_once_it_enters_its_last_week_and_clears_it_on_renewal(
    psn: FakePlayStation,
) -> None:
    credentials, account = connected(psn)
    soon = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    credentials.save({**credentials.load(), "refresh_expires_at": soon})
    psn.expire_npsso()  # the NPSSO can no longer renew the sign-in by itself

    with psn_client(credentials) as client:
        assert client.get_owned_games(account)
    assert credentials.load()["expires_soon_at"] == soon

    # A new NPSSO pasted on reconnect gives a full two months again: the flag goes.
    with psn_client() as client:
        renewed = dict(client.connect(psn.connect_values()).credentials)
    assert "expires_soon_at" not in renewed


def test_it_renews_a_sign_in_in_its_last_week_from_a_still_valid_npsso(
    psn: FakePlayStation,
) -> None:
    credentials, account = connected(psn)
    soon = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    credentials.save({**credentials.load(), "refresh_expires_at": soon})

    with psn_client(credentials) as client:
        assert client.get_owned_games(account)

    stored = credentials.load()
    assert "expires_soon_at" not in stored
    assert datetime.fromisoformat(stored["refresh_expires_at"]) - datetime.now(UTC) > timedelta(
        days=50
    )


def test_it_keeps_the_npsso_and_tokens_out_of_logs_and_errors(
    psn: FakePlayStation, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("httpx", "httpcore", "platforms"):
        caplog.set_level(logging.DEBUG, logger=name)
    credentials, account = connected(psn)
    first = credentials.load()
    psn.expire_access_tokens()
    psn.fail_next("server_error", count=2)
    with psn_client(credentials) as client:
        client.get_owned_games(account)
    psn.fail_next("revoked_credentials")
    with psn_client(credentials) as client, pytest.raises(PlatformError) as caught:
        client.get_owned_games(account)

    secrets = {first["npsso"], first["access_token"], first["refresh_token"]}
    secrets |= {credentials.load()["access_token"]}
    texts = [r.getMessage() for r in caplog.records]
    texts += [str(caught.value), repr(caught.value), repr(credentials), repr(client)]
    for text in texts:
        for secret in secrets:
            assert secret not in text
    assert any("/oauth/token" in r.getMessage() for r in caplog.records), "httpx logged it"


def test_it_redacts_an_npsso_in_a_cookie_header_sony_s_page_and_a_dict() -> None:
    npsso = "Qw3" * 21 + "e"
    for text in (
        f"Cookie: npsso={npsso}; other=1",
        f'{{"npsso":"{npsso}"}}',
        repr({"npsso": npsso, "account_id": "1"}),
    ):
        cleaned = redact(text)
        assert npsso not in cleaned and "npsso" in cleaned


def test_it_never_shows_stored_credentials_in_reprs() -> None:
    store = MemoryCredentials({"npsso": "A" * 64, "refresh_token": "r" * 40})
    with psn_client(store) as client:
        assert "A" * 64 not in repr(client) and "r" * 40 not in repr(client)
