"""Platforms & libraries: add a Steam library (checked against a real fake-Steam server before it
is saved), the live sync fragment rendered from the SyncRun row, sync now, retry after a rate
limit, schedule, history and delete."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from libraries.models import Library, SyncRun
from tests.factories import SyncRunFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def add(client, world, **fields):
    data = {
        "platform": "steam",
        "account": world.vanity,
        "api_key": world.api_key,
        "display_name": "",
    }
    return client.post("/libraries/add/steam/", data | fields)


def test_adding_a_library_checks_with_steam_saves_it_and_starts_a_sync(
    alice_client, alice, steam, world, django_capture_on_commit_callbacks, published
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add(
            alice_client, world, account=f"https://steamcommunity.com/id/{world.vanity}/"
        )
    library = Library.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/libraries/{library.pk}/"
    assert library.display_name == world.player.personaname  # the resolved persona
    assert library.user_identifier == world.steamid
    run = library.sync_runs.get()
    assert run.trigger == "manual"
    assert [p.args for p in published if p.task.endswith("sync_library")] == [[run.pk]]
    page = alice_client.get(response["Location"]).content.decode()
    assert "Your games are on their way" in page
    assert library.avatar_url and f'src="{library.avatar_url}"' in page


@pytest.mark.parametrize(
    ("fields", "switch", "message"),
    [
        ({"api_key": "0" * 32}, "invalid_key", "key"),
        ({"account": "nobody-here-at-all"}, None, "No Steam account uses the custom URL name"),
        ({"account": "not a steam id!"}, None, "SteamID"),
    ],
)
def test_it_explains_why_steam_refused_and_saves_nothing(
    alice_client, alice, steam, world, fields, switch, message
):
    if switch:
        setattr(steam, switch, True)
    response = add(alice_client, world, **fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="add-library-error"' in html
    assert message.lower() in html.lower()
    assert world.api_key not in html  # never echoed back, not even into the field
    assert not Library.objects.filter(owner=alice).exists()


def test_a_private_profile_is_a_clear_error(alice_client, alice, steam, world):
    from platforms.integrations.steam.fake_server import PRIVATE_VANITY

    html = add(alice_client, world, account=PRIVATE_VANITY).content.decode()
    assert "private" in html.lower()
    assert not Library.objects.filter(owner=alice).exists()


def test_it_asks_for_a_key_when_the_server_has_none(alice_client, alice, steam, world, settings):
    settings.STEAM_API_KEY = ""
    html = add(alice_client, world, api_key="").content.decode()
    assert "this server has no STEAM_API_KEY" in html


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        (None, ["Never synced", "Sync now"]),
        ({"status": "queued", "phase": "owned"}, ["Queued", "Waiting for a worker"]),
        (
            {"status": "running", "phase": "details", "done": 40, "total": 160},
            [
                'data-field="done">40<',
                'data-field="total">160<',
                "25%",
                'data-phase-name="details"',
                'value="40"',
            ],
        ),
        (
            {"status": "failed", "phase": "owned", "error_message": "Steam rejected the API key."},
            ["The last sync failed", "Steam rejected the API key.", "Try again"],
        ),
        (
            {"status": "succeeded", "phase": "done", "games_added": 3},
            ["Up to date", "3 new", "Refetch everything"],
        ),
    ],
)
def test_the_sync_fragment_renders_from_the_run_row(alice_client, alice_library, run, expected):
    if run:
        SyncRunFactory(library=alice_library, **run)
    html = alice_client.get(f"/libraries/{alice_library.pk}/sync/status/", **HTMX).content.decode()
    assert f'data-sync-library="{alice_library.pk}"' in html
    assert 'hx-trigger="gd:refresh"' in html  # what the page re-fetches on every (re)connect
    for text in expected:
        assert text in html


def test_a_rate_limited_run_shows_the_banner_countdown_and_retry(alice_client, alice_library):
    retry_at = timezone.now() + timedelta(minutes=4)
    SyncRunFactory(
        library=alice_library,
        status="rate_limited",
        phase="details",
        done=10,
        total=50,
        retry_at=retry_at,
    )
    html = alice_client.get(f"/libraries/{alice_library.pk}/").content.decode()
    assert 'data-testid="rate-limit-banner"' in html
    assert f'data-countdown="{retry_at.isoformat()}"' in html or 'data-countdown="' in html
    assert "Retry now" in html
    assert 'name="retry" value="1"' in html


def test_retry_now_resumes_the_parked_run_at_once(
    alice_client, alice_library, published, django_capture_on_commit_callbacks
):
    run = SyncRunFactory(
        library=alice_library,
        status="rate_limited",
        phase="details",
        retry_at=timezone.now() + timedelta(minutes=9),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(f"/libraries/{alice_library.pk}/sync/", {"retry": "1"}, **HTMX)
    assert response.status_code == 200
    assert [p.args for p in published if p.task.endswith("sync_library")] == [[run.pk]]
    assert SyncRun.objects.filter(library=alice_library).count() == 1  # the same run, resumed


def test_retry_now_does_nothing_when_no_run_is_parked(alice_client, alice_library, published):
    SyncRunFactory(library=alice_library, status="succeeded", phase="done")
    alice_client.post(f"/libraries/{alice_library.pk}/sync/", {"retry": "1"}, **HTMX)
    assert published == []


def test_sync_now_creates_a_run_and_a_second_click_says_it_is_running(
    alice_client, alice_library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        html = alice_client.post(
            f"/libraries/{alice_library.pk}/sync/", {"variant": "compact"}, **HTMX
        ).content.decode()
    assert "Queued" in html
    assert alice_library.sync_runs.get().status == "queued"
    response = alice_client.post(f"/libraries/{alice_library.pk}/sync/", follow=True)
    assert "already running" in response.content.decode()
    assert alice_library.sync_runs.count() == 1


def test_refetch_everything_replaces_a_finished_run_with_a_forced_one(
    alice_client, alice_library, django_capture_on_commit_callbacks
):
    SyncRunFactory(library=alice_library, status="succeeded", phase="done")
    with django_capture_on_commit_callbacks():
        alice_client.post(f"/libraries/{alice_library.pk}/sync/", {"force": "1"})
    assert alice_library.sync_runs.order_by("-pk").first().force is True


def test_the_schedule_and_name_can_be_changed(alice_client, alice_library):
    response = alice_client.post(
        f"/libraries/{alice_library.pk}/edit/",
        {"display_name": "Main account", "sync_enabled": "", "sync_interval_hours": "6"},
        **HTMX,
    )
    assert '"gd:toast"' in response["HX-Trigger"]
    alice_library.refresh_from_db()
    assert (
        alice_library.display_name,
        alice_library.sync_enabled,
        alice_library.sync_interval_hours,
    ) == ("Main account", False, 6)


def test_the_history_lists_runs_newest_first(alice_client, alice_library):
    SyncRunFactory(
        library=alice_library, status="failed", phase="owned", error_message="Steam is down."
    )
    SyncRunFactory(library=alice_library, status="succeeded", phase="done", games_added=12)
    html = alice_client.get(f"/libraries/{alice_library.pk}/").content.decode()
    history = html.split('id="history-title"')[1]
    assert history.index("Succeeded") < history.index("Failed")
    assert "+12" in history and "Steam is down." in history


def test_delete_asks_first_then_removes_the_library(alice_client, alice_library):
    page = alice_client.get(f"/libraries/{alice_library.pk}/delete/").content.decode()
    assert "Delete “Alice on Steam”?" in page
    assert Library.objects.filter(pk=alice_library.pk).exists()
    response = alice_client.post(f"/libraries/{alice_library.pk}/delete/", follow=True)
    assert "Deleted Alice on Steam" in response.content.decode()
    assert not Library.objects.filter(pk=alice_library.pk).exists()


@pytest.mark.parametrize("path", ["", "sync/status/", "delete/"])
def test_someone_elses_library_is_404(alice_client, bob_library, path):
    assert alice_client.get(f"/libraries/{bob_library.pk}/{path}").status_code == 404


@pytest.mark.parametrize("path", ["sync/", "edit/", "delete/"])
def test_someone_elses_library_cannot_be_changed(alice_client, bob_library, path):
    response = alice_client.post(
        f"/libraries/{bob_library.pk}/{path}",
        {"display_name": "Mine now", "sync_interval_hours": "1"},
    )
    assert response.status_code == 404
    bob_library.refresh_from_db()
    assert bob_library.display_name == "Bob on Steam"
    assert not bob_library.sync_runs.exists()


def test_the_list_page_costs_the_same_queries_for_one_or_many_libraries(
    alice_client, alice_library, library_of, django_assert_max_num_queries
):
    SyncRunFactory(library=alice_library, status="running", phase="owned")
    alice_client.get("/libraries/")
    with django_assert_max_num_queries(9) as one:
        alice_client.get("/libraries/")
    for n in range(5):
        SyncRunFactory(
            library=library_of(display_name=f"Account {n}"), status="succeeded", phase="done"
        )
    with django_assert_max_num_queries(len(one)):
        alice_client.get("/libraries/")
