"""The dashboard: totals, recently and most played, each library's sync state; a useful empty state."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.factories import SyncRunFactory
from tests.web.conftest import own


def test_it_welcomes_a_user_with_no_library_and_says_what_to_do(client, charlie):
    client.force_login(charlie)
    html = client.get("/").content.decode()
    assert 'data-testid="empty-state"' in html
    assert "Add a Steam library" in html
    assert 'href="/libraries/add/"' in html


def test_it_shows_totals_recent_and_most_played(alice_client, alice_library):
    now = timezone.now()
    own(
        alice_library,
        "Portal 2",
        playtime_minutes=600,
        last_played_at=now - timedelta(days=1),
        status="completed",
    )
    own(
        alice_library,
        "Hades",
        playtime_minutes=1200,
        last_played_at=now - timedelta(days=3),
        status="playing",
    )
    own(alice_library, "Backlogged", playtime_minutes=0)
    html = alice_client.get("/").content.decode()
    assert 'data-testid="total-games">3<' in html
    assert "30 h" in html  # 1,800 minutes in all
    recent = html.split('id="recent-title"')[1].split("</section>")[0]
    assert recent.index("Portal 2") < recent.index("Hades")  # most recent first
    assert "Backlogged" not in recent
    top = html.split('id="top-title"')[1].split("</section>")[0]
    assert top.index("Hades") < top.index("Portal 2")  # most played first


def test_it_shows_each_librarys_sync_state_from_its_latest_run(
    alice_client, alice_library, library_of
):
    second = library_of(display_name="Second account")
    SyncRunFactory(
        library=alice_library, status="succeeded", phase="done", finished_at=timezone.now()
    )
    SyncRunFactory(library=second, status="running", phase="details", done=30, total=120)
    html = alice_client.get("/").content.decode()
    assert "Up to date" in html
    assert f'data-sync-library="{second.pk}"' in html
    assert '30</span> of <span data-field="total">120' in html


def test_it_runs_a_fixed_number_of_queries_however_big_the_library(
    alice_client, alice_library, library_of, shelf, django_assert_max_num_queries
):
    shelf(5)
    SyncRunFactory(library=alice_library, status="succeeded", phase="done")
    alice_client.get("/")  # the first visit creates the profile
    with django_assert_max_num_queries(13) as small:
        alice_client.get("/")
    shelf_more = [library_of(display_name=f"Extra {n}") for n in range(4)]
    for library in shelf_more:
        SyncRunFactory(library=library, status="running", phase="owned")
        own(library, f"Game in {library.display_name}", playtime_minutes=5)
    shelf(40)
    with django_assert_max_num_queries(len(small)):
        alice_client.get("/")
