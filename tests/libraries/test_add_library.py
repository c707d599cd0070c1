"""Adding a library checks the account against Steam before anything is saved."""

from __future__ import annotations

import pytest

from libraries.models import Library, SyncRun
from libraries.progress import RunLost, SyncProgress
from libraries.services.libraries import (
    LibraryError,
    add_library,
    delete_library,
    update_library,
)
from libraries.services.sync import claim_run, request_sync
from platforms.integrations.steam.fake_server import PRIVATE_VANITY


@pytest.mark.parametrize(
    "identifier",
    [
        "76561197960287930",
        "demo",
        "https://steamcommunity.com/id/demo/",
        "steamcommunity.com/profiles/76561197960287930",
    ],
)
def test_it_adds_an_account_by_id_custom_url_or_profile_url(alice, world, steam, identifier):
    library = add_library(alice, "steam", {"account": identifier, "api_key": world.api_key})

    library.refresh_from_db()
    assert library.owner == alice
    assert library.user_identifier == world.steamid
    assert library.display_name == world.player.personaname
    assert library.avatar_url.startswith("https://avatars.steamstatic.com/")
    assert library.credentials == {"api_key": world.api_key}
    assert library.masked_api_key == "••••" + world.api_key[-4:]


def test_it_uses_the_servers_key_when_the_library_has_none(alice, world, steam, settings):
    settings.STEAM_API_KEY = world.api_key

    library = add_library(alice, "steam", {"account": "demo"}, display_name="  Family PC  ")

    assert library.credentials == {}
    assert library.display_name == "Family PC"


def test_it_refuses_a_private_profile_and_says_how_to_fix_it(alice, world, steam):
    with pytest.raises(LibraryError, match="private") as raised:
        add_library(alice, "steam", {"account": PRIVATE_VANITY, "api_key": world.api_key})

    assert "Game details" in raised.value.message
    assert not Library.objects.exists()


def test_it_refuses_a_bad_key_without_repeating_it(alice, steam):
    bad_key = "0123456789ABCDEF0123456789ABCDEF"

    with pytest.raises(LibraryError, match="rejected the Web API key") as raised:
        add_library(alice, "steam", {"account": "demo", "api_key": bad_key})

    assert bad_key not in raised.value.message
    assert not Library.objects.exists()


def test_it_refuses_an_account_that_does_not_exist(alice, world, steam):
    with pytest.raises(
        LibraryError, match="No Steam account uses the custom URL name 'nobody-here'"
    ):
        add_library(alice, "steam", {"account": "nobody-here", "api_key": world.api_key})


def test_it_refuses_nonsense_before_asking_steam(alice, world, steam):
    with pytest.raises(LibraryError, match="profile URL"):
        add_library(
            alice, "steam", {"account": "https://example.com/id/demo", "api_key": world.api_key}
        )

    assert steam.requests == []


def test_it_refuses_the_same_account_twice_for_one_owner(alice, bob, world, steam):
    first = add_library(alice, "steam", {"account": "demo", "api_key": world.api_key})

    with pytest.raises(LibraryError, match=f"library #{first.pk}"):
        add_library(alice, "steam", {"account": "76561197960287930", "api_key": world.api_key})
    assert add_library(bob, "steam", {"account": "demo", "api_key": world.api_key}).owner == bob


def test_it_checks_a_new_key_before_storing_it(library, world, steam, settings):
    with pytest.raises(LibraryError, match="rejected"):
        update_library(library, credentials={"api_key": "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"})
    with pytest.raises(LibraryError, match="No Steam Web API key"):
        update_library(
            library, credentials={"api_key": ""}
        )  # there is no server key to fall back on
    library.refresh_from_db()
    assert library.credentials == {"api_key": world.api_key}
    settings.STEAM_API_KEY = world.api_key

    update_library(library, credentials={"api_key": ""}, sync_interval_hours=6, sync_enabled=False)

    library.refresh_from_db()
    assert library.credentials == {}  # back to the server's key
    assert (library.sync_interval_hours, library.sync_enabled) == (6, False)


def test_it_refuses_an_interval_under_an_hour(library):
    with pytest.raises(LibraryError, match="at least one hour"):
        update_library(library, sync_interval_hours=0)


def test_a_running_sync_stops_when_its_library_is_deleted(library):
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)
    worker = SyncProgress(claim_run(run.pk, task_id="t1"))

    delete_library(library)

    assert not Library.objects.filter(pk=library.pk).exists()
    with pytest.raises(RunLost):
        worker.checkpoint(done=1)
