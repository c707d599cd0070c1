"""base.html includes the assistant's panel on every page once the assistant ships its template."""

from __future__ import annotations

import pytest

from gamedjinn.context_processors import assistant_panel_installed


@pytest.fixture
def panel_dir(tmp_path, settings):
    (tmp_path / "assistant").mkdir()
    (tmp_path / "assistant" / "_panel.html").write_text(
        '<aside id="test-panel">{{ user.get_username }}</aside>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    assistant_panel_installed.cache_clear()
    yield
    assistant_panel_installed.cache_clear()


def test_the_panel_is_included_on_every_page_when_it_exists(alice_client, alice_library, panel_dir):
    for url in ("/", "/library/", "/libraries/", "/settings/", "/analytics/"):
        assert '<aside id="test-panel">alice</aside>' in alice_client.get(url).content.decode(), url


def test_the_sign_in_page_has_no_panel(client, panel_dir):
    assert "test-panel" not in client.get("/accounts/login/").content.decode()
