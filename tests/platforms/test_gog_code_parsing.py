"""The add form takes GOG's code alone or the whole address it sits in; anything else is one
clear sentence before a single request goes out."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from platforms.errors import InvalidIdentifier
from platforms.integrations.gog.client import GogClient, parse_code
from platforms.integrations.gog.fake_server import FakeGog

CODE = "iUZDhNPZNpQkQEPS9OqEUfyx-iNMpJT-W_AY9Miw8lpYnmkPOzE908Xp33t4cNXRUCyULAXB3koWEDFhQ"


@pytest.mark.parametrize(
    "pasted",
    [
        CODE,
        f"  {CODE}\n",
        f"https://embed.gog.com/on_login_success?origin=client&code={CODE}",
        f"embed.gog.com/on_login_success?origin=client&code={CODE}",
        f"https://embed.gog.com/on_login_success?code={CODE}&origin=client",
    ],
)
def test_it_takes_the_code_or_the_whole_address(pasted: str) -> None:
    assert parse_code(pasted) == CODE


@pytest.mark.parametrize(
    ("pasted", "says"),
    [
        ("", "Paste the address"),
        ("   ", "Paste the address"),
        ("https://embed.gog.com/on_login_success?origin=client", "no code in it"),
        ("https://embed.gog.com/on_login_success?origin=client&code=", "no code in it"),
        ("my password is hunter2", "not a GOG sign-in code"),
        ("short", "not a GOG sign-in code"),
        ("<script>alert(1)</script>", "not a GOG sign-in code"),
    ],
)
def test_it_rejects_anything_else_with_one_sentence(pasted: str, says: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse_code(pasted)
    assert says in str(caught.value)
    assert str(caught.value).count(". ") <= 1


def test_it_asks_gog_nothing_for_junk(
    fake_gog: FakeGog, gog_client: Callable[..., GogClient]
) -> None:
    with pytest.raises(InvalidIdentifier):
        gog_client().connect({"code": "not a code at all"})
    assert fake_gog.requests == []


def test_it_connects_with_a_bare_code_too(
    fake_gog: FakeGog, gog_client: Callable[..., GogClient]
) -> None:
    connection = gog_client().connect({"code": fake_gog.issue_code()})
    assert connection.profile.display_name == fake_gog.world.username
    assert connection.credentials["user_id"] == fake_gog.world.user_id
    assert connection.credentials["username"] == fake_gog.world.username


def test_it_says_a_used_code_no_longer_works(
    fake_gog: FakeGog, gog_client: Callable[..., GogClient]
) -> None:
    from platforms.errors import InvalidCredentials, ReconnectRequired

    code = fake_gog.issue_code()
    gog_client().connect({"code": code})
    with pytest.raises(InvalidCredentials) as caught:
        gog_client().connect({"code": code})
    assert not isinstance(caught.value, ReconnectRequired)
    assert "works once" in str(caught.value)
    assert code not in str(caught.value)
