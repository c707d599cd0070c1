"""The Xbox add page says honestly that Xbox lists played titles, and explains the key in plain
words with links to xbl.io."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_shows_the_played_not_owned_note_and_the_key_steps(alice: Any) -> None:
    client = Client()
    client.force_login(alice)

    page = client.get("/libraries/add/xbox/").content.decode()

    assert "Xbox reports the games you have played, not what you bought" in page
    assert "Game Pass titles you never launched do not appear" in page
    assert 'href="https://xbl.io/"' in page
    assert "OpenXBL API key" in page
    assert 'type="password"' in page
