"""The Steam API key travels in the query string, so it must be scrubbed from every log line,
exception message and traceback this code can produce."""

from __future__ import annotations

import logging
import socket
import traceback
from collections.abc import Callable, Iterator

import pytest

from platforms.errors import PlatformError
from platforms.http import redact
from platforms.integrations.steam.client import SteamClient
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld


class MessageLog(logging.Handler):
    """Keeps each message as text at the moment it is emitted.

    Attached to the emitting loggers, it sees records before any root handler does; the app's
    console handler also redacts, and since it mutates the shared record it would otherwise hide
    a leak from caplog.
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def emitted(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    log = MessageLog()
    names = ("httpx", "httpcore", "platforms")
    for name in names:
        caplog.set_level(logging.DEBUG, logger=name)  # the app's config quiets httpx
        logging.getLogger(name).addHandler(log)
    yield log.messages
    for name in names:
        logging.getLogger(name).removeHandler(log)


def every_text_of(error: BaseException) -> str:
    return "\n".join([str(error), repr(error), *traceback.format_exception(error)])


def test_it_never_lets_the_key_into_logs_or_errors(
    fake_steam: FakeSteam,
    make_client: Callable[..., SteamClient],
    world: SteamWorld,
    emitted: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    key = world.api_key
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = make_client()
    failures: list[PlatformError] = []

    def expect_failure(call: Callable[[], object]) -> None:
        with pytest.raises(PlatformError) as caught:
            call()
        failures.append(caught.value)

    client.get_owned_games(world.steamid)
    fake_steam.fail_next(2, status=502)
    client.resolve_user("demo")
    fake_steam.fail_next(5, status=500)
    expect_failure(lambda: client.get_owned_games(world.steamid))
    fake_steam.fail_next(5, status=429)
    expect_failure(lambda: client.get_recently_played(world.steamid))
    fake_steam.fail_next(1, status=400)
    expect_failure(lambda: client.get_owned_games(world.steamid))
    fake_steam.malformed("GetOwnedGames")
    expect_failure(lambda: client.get_owned_games(world.steamid))
    fake_steam.clear_malformed()
    fake_steam.latency_seconds = 0.2
    expect_failure(lambda: make_client(timeout=0.02).resolve_user(world.steamid))
    fake_steam.latency_seconds = 0
    expect_failure(
        lambda: make_client(api_url=f"http://127.0.0.1:{closed_port}").resolve_user("demo")
    )
    fake_steam.invalid_key = True
    expect_failure(lambda: client.get_owned_games(world.steamid))

    assert [type(f).__name__ for f in failures] == [
        "PlatformUnavailable",
        "RateLimited",
        "PlatformError",
        "MalformedResponse",
        "PlatformUnavailable",
        "PlatformUnavailable",
        "InvalidCredentials",
    ]
    for failure in failures:
        assert key not in every_text_of(failure), type(failure).__name__
    assert any("key=***" in m for m in emitted), "httpx's request log should be seen, redacted"
    assert any("giving up" in m for m in emitted)
    assert not [m for m in emitted if key in m]
    assert key not in caplog.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /x?key=ABC123&steamid=1", "GET /x?key=***&steamid=1"),
        ("https://h/x?steamid=1&key=ABC123", "https://h/x?steamid=1&key=***"),
        ("'https://h/x?KEY=ABC123'", "'https://h/x?KEY=***'"),
        ("?api_key=s3cret other", "?api_key=*** other"),
        ("access_token=tok&x=1", "access_token=***&x=1"),
        ("monkey=banana", "monkey=banana"),
        ("no secrets here", "no secrets here"),
    ],
)
def test_it_redacts_credential_parameters(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_it_keeps_the_key_out_of_the_clients_repr(
    steam_client: SteamClient, world: SteamWorld
) -> None:
    assert world.api_key not in repr(steam_client)
    assert "key=set" in repr(steam_client)
