"""The OpenXBL key: checked before anything is stored, a refused key is a typed error that asks
the owner to act, and the key never shows in a message, a repr or a log line."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gamedjinn.logging import redact
from platforms.contract import MemoryCredentials
from platforms.errors import InvalidCredentials, InvalidIdentifier, ReconnectRequired
from platforms.integrations.xbox.client import XboxClient
from platforms.integrations.xbox.fake_server import FakeXbox


def test_it_connects_with_the_key_and_stores_key_and_xuid(
    xbox_client: Callable[..., XboxClient], fake_xbox: FakeXbox
) -> None:
    connection = xbox_client().connect({"api_key": f"  {fake_xbox.world.api_key}\n"})

    assert connection.profile.external_id == fake_xbox.world.xuid
    assert connection.profile.display_name == "Djinn Demo"
    assert connection.profile.profile_url == "https://www.xbox.com/play/user/Djinn%20Demo"
    assert dict(connection.credentials) == {
        "api_key": fake_xbox.world.api_key,
        "xuid": fake_xbox.world.xuid,
    }


def test_it_refuses_a_wrong_key_when_connecting(
    xbox_client: Callable[..., XboxClient], fake_xbox: FakeXbox
) -> None:
    wrong = "f" * 36
    with pytest.raises(InvalidCredentials) as caught:
        xbox_client().connect({"api_key": wrong})

    assert not isinstance(caught.value, ReconnectRequired)
    assert "xbl.io" in caught.value.message and wrong not in caught.value.message


@pytest.mark.parametrize("text", ["", "short", "has a space in the middle of it"])
def test_it_rejects_what_cannot_be_a_key_without_asking(
    xbox_client: Callable[..., XboxClient], fake_xbox: FakeXbox, text: str
) -> None:
    with pytest.raises(InvalidIdentifier):
        xbox_client().connect({"api_key": text})
    assert fake_xbox.requests == []


@pytest.mark.parametrize(
    ("failure", "status"), [("expired_credentials", 403), ("revoked_credentials", 401)]
)
def test_it_asks_for_a_new_key_when_openxbl_stops_accepting_it(
    xbox_connected: tuple[XboxClient, MemoryCredentials],
    fake_xbox: FakeXbox,
    failure: str,
    status: int,
) -> None:
    client, credentials = xbox_connected
    fake_xbox.fail_next(failure)

    with pytest.raises(ReconnectRequired) as caught:
        client.get_owned_games(credentials.load()["xuid"])

    assert fake_xbox.requests[-1].status == status
    assert len([r for r in fake_xbox.requests if r.status == status]) == 1  # never retried
    key = credentials.load()["api_key"]
    assert key not in str(caught.value) and key not in repr(client)


def test_it_keeps_the_key_out_of_log_lines() -> None:
    """The shared redaction (every log record passes it) covers OpenXBL's header too."""
    key = "0123456789abcdef0123456789abcdef-cafe"
    assert key not in redact(f"X-Authorization: {key}")
    assert key not in redact(f"{{'x-authorization': '{key}'}}")
