"""Settings: theme (auto/light/dark, applied to every page), API keys created once and shown once,
revoked; the account section."""

from __future__ import annotations

import re

from gamedjinn.models import profile_for
from mcp_bridge.keys import authenticate_key, create_key
from mcp_bridge.models import ApiKey

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_theme_choice_is_saved_and_applied_to_every_page(alice_client, alice):
    assert '<html lang="en" data-theme="auto">' in alice_client.get("/").content.decode()
    response = alice_client.post("/settings/theme/", {"theme": "dark"}, **HTMX)
    assert response.status_code == 204
    assert profile_for(alice).theme == "dark"
    for url in ("/", "/library/", "/settings/"):
        assert '<html lang="en" data-theme="dark">' in alice_client.get(url).content.decode()


def test_an_unknown_theme_is_ignored(alice_client, alice):
    alice_client.post("/settings/theme/", {"theme": "neon"})
    assert profile_for(alice).theme == "auto"


def test_a_new_key_is_shown_once_and_works(alice_client, alice):
    html = alice_client.post(
        "/settings/keys/", {"name": "Claude Desktop", "scope": "read"}, **HTMX
    ).content.decode()
    plaintext = re.search(r'<code id="new-key-value">([^<]+)</code>', html).group(1)
    assert authenticate_key(plaintext).user == alice
    assert "it will not be shown again" in html
    assert '"Authorization: Bearer ' in html  # a ready-made MCP client config
    again = alice_client.get("/settings/").content.decode()
    assert plaintext not in again
    assert plaintext[:12] in again  # the prefix identifies it
    assert "Claude Desktop" in again


def test_a_key_needs_a_name(alice_client, alice):
    html = alice_client.post(
        "/settings/keys/", {"name": "  ", "scope": "read"}, **HTMX
    ).content.decode()
    assert "This field is required" in html
    assert not ApiKey.objects.filter(user=alice).exists()


def test_revoking_a_key_locks_it_out(alice_client, alice):
    key, plaintext = create_key(alice, "Old laptop")
    response = alice_client.post(f"/settings/keys/{key.pk}/revoke/", **HTMX)
    assert '"gd:toast"' in response["HX-Trigger"]
    assert "Old laptop" not in response.content.decode()
    assert authenticate_key(plaintext) is None


def test_nobody_revokes_someone_elses_key(alice_client, bob):
    key, plaintext = create_key(bob, "Bob's key")
    alice_client.post(f"/settings/keys/{key.pk}/revoke/")
    assert authenticate_key(plaintext).user == bob
    assert "Bob's key" not in alice_client.get("/settings/").content.decode()


def test_the_account_section_shows_the_content_filter(client, child):
    client.force_login(child)
    html = client.get("/settings/").content.decode()
    assert "Only games rated Teen or milder" in html
    assert 'href="/accounts/password/change/"' in html
