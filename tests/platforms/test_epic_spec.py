"""What the add form and the registry say about Epic: the exact sign-in link in plain words,
capabilities Epic can honour, and every endpoint and the launcher's client as settings."""

from __future__ import annotations

from pathlib import Path

from platforms.contract import Capability, CredentialKind, Kind
from platforms.registry import integration

LOGIN = (
    "https://www.epicgames.com/id/login?redirectUrl=https%3A%2F%2Fwww.epicgames.com%2Fid%2Fapi"
    "%2Fredirect%3FclientId%3D34a02cf8f4414e29b15921876da36f9a%26responseType%3Dcode"
)


def test_it_declares_an_oauth_account_without_last_played() -> None:
    spec = integration("epic")

    assert spec is not None
    assert (spec.name, spec.kind, spec.credential) == (
        "Epic Games Store",
        Kind.ACCOUNT,
        CredentialKind.OAUTH_CODE,
    )
    assert spec.capabilities == {Capability.OWNED, Capability.PLAYTIME, Capability.METADATA}
    assert [field.name for field in spec.fields] == ["code"]
    assert spec.fields[0].secret


def test_it_links_the_exact_sign_in_page_and_mentions_linked_launchers() -> None:
    spec = integration("epic")

    assert spec is not None
    assert spec.help[0].link == LOGIN
    assert "authorizationCode" in " ".join(step.text for step in spec.help)
    assert "Ubisoft" in spec.note and "EA" in spec.note


def test_it_lists_every_setting_in_the_env_example() -> None:
    spec = integration("epic")
    assert spec is not None
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()

    names = {setting.name for setting in spec.settings}
    assert {
        "EPIC_ACCOUNT_URL",
        "EPIC_LIBRARY_URL",
        "EPIC_CATALOG_URL",
        "EPIC_RATE_LIMIT",
        "EPIC_HTTP_TIMEOUT",
        "EPIC_CLIENT_ID",
        "EPIC_CLIENT_SECRET",
    } == names
    assert all(f"\n{name}=" in example for name in names)
