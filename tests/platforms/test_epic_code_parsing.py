"""The add form takes Epic's code alone, the JSON page Epic shows it on, or an address with
code= in it; anything else is one clear sentence before a single request goes out."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from platforms.errors import InvalidCredentials, InvalidIdentifier, ReconnectRequired
from platforms.integrations.epic.client import EpicClient, parse_code
from platforms.integrations.epic.fake_server import FakeEpic

CODE = "0f3c9a5e7b1d4c2a8e6f0b9d7c5a3e1f"
PAGE = json.dumps(
    {
        "warning": "Do not share this code with any 3rd party service.",
        "redirectUrl": f"https://localhost/launcher/authorized?code={CODE}",
        "authorizationCode": CODE,
        "exchangeCode": None,
        "sid": None,
    }
)


@pytest.mark.parametrize(
    "pasted",
    [
        CODE,
        f"  {CODE}\n",
        f'"{CODE}"',
        CODE.upper(),
        PAGE,
        json.dumps(json.loads(PAGE), indent=2),
        f'{{"redirectUrl":"https://localhost/launcher/authorized?code={CODE}","authorizationCode":"{CODE}"}}',
        f"https://localhost/launcher/authorized?code={CODE}",
        f"localhost/launcher/authorized?code={CODE}",
    ],
)
def test_it_takes_the_code_the_page_or_an_address(pasted: str) -> None:
    assert parse_code(pasted) == CODE


@pytest.mark.parametrize(
    ("pasted", "says"),
    [
        ("", "Paste the page Epic showed"),
        ("   ", "Paste the page Epic showed"),
        (
            '{"redirectUrl":"https://localhost/launcher/authorized","authorizationCode":null}',
            "no code",
        ),
        ("https://localhost/launcher/authorized?code=", "no code in it"),
        ("482913", "sign-in code Epic emails you"),
        ("my password is hunter2", "not an Epic authorization code"),
        (CODE[:-1], "not an Epic authorization code"),
        (CODE + "0", "not an Epic authorization code"),
        ("<script>alert(1)</script>", "not an Epic authorization code"),
    ],
)
def test_it_rejects_anything_else_with_one_sentence(pasted: str, says: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse_code(pasted)
    assert says in str(caught.value)
    assert str(caught.value).count(". ") == 0


def test_it_asks_epic_nothing_for_junk(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    with pytest.raises(InvalidIdentifier):
        epic_client().connect({"code": "not a code at all"})
    assert fake_epic.requests == []


def test_it_connects_with_the_page_or_a_bare_code(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    for values in (fake_epic.connect_values(), {"code": fake_epic.issue_code()}):
        connection = epic_client().connect(values)
        assert connection.profile.external_id == fake_epic.world.account_id
        assert connection.profile.display_name == fake_epic.world.display_name
        assert connection.credentials["account_id"] == fake_epic.world.account_id
        assert connection.credentials["refresh_token"]


def test_it_says_a_used_code_no_longer_works(
    fake_epic: FakeEpic, epic_client: Callable[..., EpicClient]
) -> None:
    code = fake_epic.issue_code()
    epic_client().connect({"code": code})
    with pytest.raises(InvalidCredentials) as caught:
        epic_client().connect({"code": code})
    assert not isinstance(caught.value, ReconnectRequired)
    assert "works once" in str(caught.value)
    assert code not in str(caught.value)
