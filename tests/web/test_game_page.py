"""One game: art, description as text, metadata, ratings, achievements, owned-on, and the player's
own status, rating and hidden flag."""

from __future__ import annotations

from datetime import UTC, datetime

from libraries.models import LibraryGame
from tests.factories import AchievementFactory, ReleaseFactory
from tests.web.conftest import own


def test_it_shows_everything_about_a_game(alice_client, alice_library):
    entry = own(
        alice_library,
        "Portal 2",
        genres=("Puzzle",),
        description="<p>Think with <b>portals</b> &amp; more.</p><ul><li>Co-op</li></ul>",
        developers=["Valve"],
        esrb_rating="E10+",
        esrb_descriptors=["Fantasy Violence", "Mild Language"],
        pegi_rating="12",
        metacritic_score=95,
        playtime_minutes=754,
    )
    html = alice_client.get(f"/games/{entry.release.game_id}/").content.decode()
    assert "<h1>Portal 2</h1>" in html
    assert "Think with portals &amp; more." in html  # markup stripped, text kept
    assert "<b>portals</b>" not in html
    assert "• Co-op" in html
    assert "ESRB: Everyone 10+" in html and "Fantasy Violence, Mild Language" in html
    assert "PEGI 12" in html
    assert 'class="score good">95<' in html
    assert "12 h 34 min" in html
    assert f'href="https://store.steampowered.com/app/{entry.release.external_id}/"' in html


def test_it_lists_achievements_with_unlock_dates_rarity_and_progress(alice_client, alice_library):
    entry = own(alice_library, "Achiever")
    rare = AchievementFactory(release=entry.release, display_name="Untouchable", global_percent=1.5)
    AchievementFactory(
        release=entry.release,
        display_name="Secret",
        hidden=True,
        description="Spoiler!",
        global_percent=30.0,
    )
    AchievementFactory(release=entry.release, display_name="Started", global_percent=90.0)
    rare.unlocks.create(library=alice_library, unlocked_at=datetime(2024, 3, 9, tzinfo=UTC))
    html = alice_client.get(f"/games/{entry.release.game_id}/").content.decode()
    assert "1 of 3 · 33%" in html
    assert html.index("Untouchable") < html.index("Secret") < html.index("Started")  # rarest first
    assert "Mar 9, 2024" in html
    assert "<strong>Ultra rare</strong> · 1.5% of players" in html
    assert "Spoiler!" not in html  # a locked hidden achievement keeps its secret
    assert "Hidden achievement" in html


def test_it_lists_every_copy_with_its_own_playtime(alice_client, alice_library, library_of):
    entry = own(alice_library, "Portal 2", playtime_minutes=60)
    second = library_of(display_name="Old account")
    LibraryGame.objects.create(
        library=second, release=ReleaseFactory(game=entry.release.game), playtime_minutes=30
    )
    html = alice_client.get(f"/games/{entry.release.game_id}/").content.decode()
    owned = html.split('id="owned-title"')[1].split("</section>")[0]
    assert "Alice on Steam · 1 h" in owned
    assert "Old account · 30 min" in owned
    assert "1 h 30 min" in html  # total


def test_it_is_404_for_someone_elses_game(alice_client, bob_library):
    entry = own(bob_library, "Bob's game")
    assert alice_client.get(f"/games/{entry.release.game_id}/").status_code == 404
    assert (
        alice_client.post(
            f"/games/{entry.release.game_id}/ownership/", {"status": "completed"}
        ).status_code
        == 404
    )
    entry.refresh_from_db()
    assert entry.status == "backlog"


def test_status_rating_and_hidden_save_on_every_copy(alice_client, alice_library, library_of):
    entry = own(alice_library, "Portal 2")
    other = LibraryGame.objects.create(
        library=library_of(), release=ReleaseFactory(game=entry.release.game)
    )
    response = alice_client.post(
        f"/games/{entry.release.game_id}/ownership/",
        {"status": "completed", "user_rating": "9", "hidden": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert '"gd:toast"' in response["HX-Trigger"]
    assert "Saved" in response.content.decode()
    for copy in (entry, other):
        copy.refresh_from_db()
        assert (copy.status, copy.user_rating, copy.hidden) == ("completed", 9, True)


def test_a_bad_status_is_an_error_on_the_form_not_a_save(alice_client, alice_library):
    entry = own(alice_library, "Portal 2")
    html = alice_client.post(
        f"/games/{entry.release.game_id}/ownership/",
        {"status": "bogus", "user_rating": "11"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Select a valid choice" in html
    entry.refresh_from_db()
    assert entry.status == "backlog"


def test_without_javascript_the_form_posts_and_redirects_back(alice_client, alice_library):
    entry = own(alice_library, "Portal 2")
    response = alice_client.post(
        f"/games/{entry.release.game_id}/ownership/", {"status": "playing"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/games/{entry.release.game_id}/"


def test_the_game_page_costs_the_same_queries_with_many_achievements(
    alice_client, alice_library, django_assert_max_num_queries
):
    entry = own(alice_library, "Achiever", genres=("Action", "RPG"))
    AchievementFactory(release=entry.release)
    url = f"/games/{entry.release.game_id}/"
    alice_client.get(url)
    with django_assert_max_num_queries(12) as few:
        alice_client.get(url)
    for n in range(40):
        achievement = AchievementFactory(release=entry.release)
        if n % 2:
            achievement.unlocks.create(library=alice_library)
    with django_assert_max_num_queries(len(few)):
        alice_client.get(url)
