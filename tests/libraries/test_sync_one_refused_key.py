"""One 403 from Steam's front end does not make a working key "invalid": the client asks once
more before it calls the key bad, so a passing refusal costs one request, not the sync."""

from __future__ import annotations

from libraries.models import SyncRun
from tests.libraries.conftest import run_sync_now


def test_it_rides_out_a_single_refusal_of_a_working_key(library, steam):
    steam.fail_next(1, 403, "api")  # Steam's HTML "Forbidden" page, once, then normal answers

    run = run_sync_now(library)
    library.refresh_from_db()

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert not library.needs_reconnect
    assert steam.counts_by_status("api")[403] == 1
    assert steam.counts_by_endpoint("api")["IPlayerService/GetOwnedGames"] == 2  # the re-check


def test_it_still_parks_the_library_when_the_key_is_really_revoked(library, steam):
    steam.invalid_key = True

    run = run_sync_now(library)
    library.refresh_from_db()

    assert run.error_code == "invalid_credentials"
    assert library.needs_reconnect
    assert steam.counts_by_status("api") == {403: 2}  # the call and its one re-check, no loop
