"""Epic's sign-in code, client secret, refresh token and bearer token travel in form bodies,
headers and even error bodies; none may reach a log line or an error, whatever happens."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterator

import pytest

from gamedjinn.logging import redact
from platforms.contract import MemoryCredentials
from platforms.errors import PlatformError
from platforms.integrations.epic import CLIENT_ID, CLIENT_SECRET
from platforms.integrations.epic.client import EpicClient
from platforms.integrations.epic.fake_server import FakeEpic


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
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient], emitted: list[str]
) -> None:
    page = fake_epic.redirect_page()
    code = page.split('"authorizationCode":"')[1].split('"')[0]
    first = dict(epic_client().connect({"code": page}).credentials)
    store = MemoryCredentials(first)
    fake_epic.fail_next("expired_credentials")  # a 401 whose body quotes the token, a refresh
    fake_epic.fail_next("server_error", count=2)  # retries, logged by our HTTP layer
    epic_client(store).get_owned_games(first["account_id"])
    errors: list[PlatformError] = []
    fake_epic.fail_next("revoked_credentials")
    with pytest.raises(PlatformError) as caught:
        epic_client(store).get_owned_games(first["account_id"])
    errors.append(caught.value)

    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    secrets = {code, basic, first["access_token"], first["refresh_token"]}
    secrets |= {store.load()["access_token"], store.load()["refresh_token"]}
    assert any("/oauth/token" in message for message in emitted), "httpx logged the refresh"
    client = epic_client(store)
    texts = emitted + [str(e) for e in errors] + [repr(e) for e in errors]
    texts += [repr(store), repr(client)]
    for text in texts:
        for secret in secrets:
            assert secret not in text


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ('{"redirectUrl":"https://localhost/x?code=C0DE1","authorizationCode":"C0DE1"}', "C0DE1"),
        ("{'authorization_code': 'C0DE2'}", "C0DE2"),
        ('"exchangeCode": "XCH-3"', "XCH-3"),
        ("Sorry the OAuth token 'eg1~abc.DEF-ghi_4' is invalid", "eg1~abc.DEF-ghi_4"),
        ("Sorry the refresh token 'eg1~RT5' is invalid", "RT5"),
        ("Authorization: basic MzRhMDJjZjg6ZGFhZmJj", "MzRhMDJjZjg6ZGFhZmJj"),
        ("grant_type=refresh_token&refresh_token=eg1~RT6&token_type=eg1", "RT6"),
    ],
)
def test_it_redacts_each_epic_secret_form(line: str, secret: str) -> None:
    assert secret not in redact(line)
