"""GOG's sign-in code, client secret, refresh token and bearer token travel in query strings and
headers; none may reach a log line or an error, whatever happens on the way."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest

from gamedjinn.logging import redact
from platforms.contract import MemoryCredentials
from platforms.errors import PlatformError
from platforms.integrations.gog.client import CLIENT_SECRET, GogClient
from platforms.integrations.gog.fake_server import FakeGog


class MessageLog(logging.Handler):
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
        caplog.set_level(logging.DEBUG, logger=name)
        logging.getLogger(name).addHandler(log)
    yield log.messages
    for name in names:
        logging.getLogger(name).removeHandler(log)


def test_it_keeps_codes_and_tokens_out_of_logs_and_errors(
    fake_gog: FakeGog, gog_client: Callable[..., GogClient], emitted: list[str]
) -> None:
    code = fake_gog.issue_code()
    first = dict(gog_client().connect({"code": code}).credentials)
    store = MemoryCredentials(first)
    fake_gog.fail_next("expired_credentials")  # a refresh, logged by httpx with its query
    fake_gog.fail_next("server_error", count=2)  # retries, logged by our HTTP layer
    gog_client(store).get_owned_games(first["user_id"])
    errors: list[PlatformError] = []
    fake_gog.fail_next("revoked_credentials")
    with pytest.raises(PlatformError) as caught:
        gog_client(store).get_owned_games(first["user_id"])
    errors.append(caught.value)

    secrets = {code, CLIENT_SECRET, first["access_token"], first["refresh_token"]}
    secrets |= {store.load()["access_token"], store.load()["refresh_token"]}
    assert any("/token" in message for message in emitted), "httpx logged the refresh"
    texts = emitted + [str(e) for e in errors] + [repr(e) for e in errors] + [repr(store)]
    for text in texts:
        for secret in secrets:
            assert secret not in text


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("GET https://auth.gog.com/token?grant_type=refresh_token&refresh_token=RT-1 200", "RT-1"),
        ("GET /token?client_id=1&client_secret=S3CR3T&code=C0DE", "S3CR3T"),
        ("GET /token?client_id=1&client_secret=x&code=C0DE-42", "C0DE-42"),
        ('{"access_token": "AT-9", "expires_in": 3600}', "AT-9"),
        ("{'refresh_token': 'RT-7'}", "RT-7"),
        ("Authorization: Bearer BEARER-1", "BEARER-1"),
    ],
)
def test_it_redacts_each_oauth_secret_form(line: str, secret: str) -> None:
    assert secret not in redact(line)
