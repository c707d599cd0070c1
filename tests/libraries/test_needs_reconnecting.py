"""Credentials a store no longer accepts park the library as needing to be reconnected: the run
fails once with a clear message, scheduled syncs skip the library, every door shows the state,
and reconnecting with a working credential clears it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from libraries.models import SyncRun
from libraries.services.libraries import LibraryError, reconnect_library
from libraries.services.sync import start_scheduled_syncs
from platforms.integrations.steam.fake_server import EMPTY_VANITY
from tests.libraries.conftest import run_sync_now


@pytest.fixture
def signed_out(library, steam):
    steam.invalid_key = True
    run = run_sync_now(library)
    steam.invalid_key = False
    library.refresh_from_db()
    return library, run


def test_it_parks_the_library_instead_of_retrying(signed_out, steam):
    library, run = signed_out

    assert run.status == SyncRun.Status.FAILED
    assert run.error_code == "invalid_credentials"
    assert library.needs_reconnect
    assert "key" in library.reconnect_reason.lower()
    assert library.credentials["api_key"] not in library.reconnect_reason


def test_scheduled_syncs_skip_it_until_it_is_reconnected(signed_out, world):
    library, _ = signed_out
    SyncRun.objects.update(created_at=timezone.now() - timedelta(days=2))  # its interval passed

    assert start_scheduled_syncs() == []

    reconnect_library(library, {"api_key": world.api_key})

    library.refresh_from_db()
    assert not library.needs_reconnect and library.reconnect_reason == ""
    assert [run.library_id for run in start_scheduled_syncs()] == [library.pk]


def test_reconnecting_checks_the_new_credential_first(signed_out):
    library, _ = signed_out

    with pytest.raises(LibraryError, match="rejected"):
        reconnect_library(library, {"api_key": "F" * 32})

    library.refresh_from_db()
    assert library.needs_reconnect


def test_reconnecting_as_another_account_is_refused(signed_out, world):
    library, _ = signed_out

    with pytest.raises(LibraryError, match="different Steam account"):
        reconnect_library(library, {"account": EMPTY_VANITY, "api_key": world.api_key})


def test_every_door_shows_the_state(signed_out, alice_client, client, alice):
    library, _ = signed_out

    page = alice_client.get(f"/libraries/{library.pk}/").content.decode()
    api = alice_client.get(f"/api/libraries/{library.pk}").json()
    health = client.get("/health").json()

    assert 'data-testid="needs-reconnect"' in page
    assert f"/libraries/{library.pk}/reconnect/" in page
    assert (api["needs_reconnect"], api["reconnect_reason"]) == (True, library.reconnect_reason)
    assert health["checks"]["libraries"]["status"] == "unavailable"
    assert f"#{library.pk}" in health["checks"]["libraries"]["detail"]
