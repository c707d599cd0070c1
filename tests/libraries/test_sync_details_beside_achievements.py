"""The store-metadata and achievements phases run side by side: they draw on different request
budgets (the store's per-IP limit, the Web API key's quota), so waiting for one must not leave
the other idle. Checked from the order in which the fake Steam answered, never from wall time."""

from __future__ import annotations

from libraries.models import SyncRun
from libraries.schemas import run_out
from libraries.services.sync import perform_run, request_sync
from libraries.tasks import sync_library
from tests.conftest import forget_rate_limits
from tests.libraries.conftest import run_sync_now

DETAILS = "api/appdetails"
PLAYER = "ISteamUserStats/GetPlayerAchievements"


def _order(steam) -> list[str]:
    return [r.endpoint for r in steam.requests if r.endpoint in (DETAILS, PLAYER)]


def test_it_reads_achievements_while_store_details_are_still_being_fetched(library, steam):
    run = run_sync_now(library)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    order = _order(steam)
    last_details = len(order) - 1 - order[::-1].index(DETAILS)
    # One after the other, every unlock read would come after the last store lookup.
    assert order.index(PLAYER) < last_details
    assert order.count(DETAILS) == 60
    assert run.position == {} and run.phase == SyncRun.Phase.DONE


def test_a_run_stopped_mid_way_resumes_both_phases_without_asking_twice(
    library, steam, world, alice, client, published, django_capture_on_commit_callbacks
):
    steam.set_rate_limit("store", (10, 3600))  # the store stops answering after 10 lookups
    steam.retry_after = 120
    run = request_sync(library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)
    with django_capture_on_commit_callbacks(execute=True):
        perform_run(run.pk)

    run.refresh_from_db()
    assert run.status == SyncRun.Status.RATE_LIMITED
    assert run.phase == SyncRun.Phase.DETAILS
    assert (run.done, run.total) == (10, 60)
    beside = run.position["alongside"][SyncRun.Phase.ACHIEVEMENTS]
    # Unlocks were read while the store was being asked, and some are left for later.
    assert beside["done"] > 0 and not beside.get("finished")
    first_reads = steam.counts_by_endpoint("api")[PLAYER]
    # The page shows both phases under way, each with its own count.
    rows = {row.phase: row for row in run_out(run).phase_progress}
    assert rows["details"].state == rows["achievements"].state == "current"
    assert (rows["achievements"].done, rows["achievements"].alongside) == (beside["done"], True)
    client.force_login(alice)
    page = client.get(f"/libraries/{library.pk}/sync/status/").content.decode()
    assert 'data-state="current" data-phase-name="achievements"' in page
    assert "Alongside the store details" in page

    steam.set_rate_limit("store", None)
    steam.reset_log()
    forget_rate_limits()
    sync_library.apply((run.pk,))

    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert steam.counts_by_endpoint("store")[DETAILS] == 50
    played_with_stats = sum(
        1
        for g in world.player.owned
        if g.get("has_community_visible_stats") and g["playtime_forever"]
    )
    # Each played game with stats read once over both attempts (the stopped batch was kept).
    assert first_reads + steam.counts_by_endpoint("api").get(PLAYER, 0) == played_with_stats
