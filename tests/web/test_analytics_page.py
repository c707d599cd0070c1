"""Analytics: server-side SVG charts from games.services.analytics, no JavaScript needed."""

from __future__ import annotations

from datetime import date, timedelta

from libraries.models import PlaytimeSnapshot
from tests.web.conftest import own


def test_it_draws_every_chart_as_svg(alice_client, alice_library):
    portal = own(
        alice_library,
        "Portal 2",
        genres=("Puzzle",),
        playtime_minutes=600,
        release_date=date(2011, 4, 19),
        status="completed",
    )
    own(
        alice_library,
        "Hades",
        genres=("Action",),
        playtime_minutes=1200,
        release_date=date(2020, 9, 17),
    )
    today = date.today()
    for days_ago, minutes in ((20, 100), (10, 300), (2, 600)):
        PlaytimeSnapshot.objects.create(
            entry=portal, taken_on=today - timedelta(days=days_ago), playtime_minutes=minutes
        )
    html = alice_client.get("/analytics/?period=month").content.decode()
    assert html.count('<svg class="chart"') >= 5
    assert 'aria-label="Playtime by genre"' in html
    assert 'aria-label="Playtime by release year"' in html
    assert 'aria-label="Ten most played games"' in html
    assert 'aria-label="Hours played over time"' in html  # snapshots make an activity line
    assert 'href="/library/?genre=Action&amp;sort=playtime"' in html  # bars lead to the games
    assert html.index(">Hades<") < html.index(">Portal 2<")  # most played first
    assert "Completed" in html and "50.0%" in html  # backlog vs completed


def test_it_has_an_empty_state(client, charlie):
    client.force_login(charlie)
    html = client.get("/analytics/").content.decode()
    assert "No games to analyse yet" in html


def test_it_is_404_for_someone_elses_library(alice_client, bob_library):
    assert alice_client.get(f"/analytics/?library={bob_library.pk}").status_code == 404


def test_it_costs_the_same_queries_for_few_or_many_games(
    alice_client, alice_library, shelf, django_assert_max_num_queries
):
    shelf(5)
    alice_client.get("/analytics/")
    with django_assert_max_num_queries(25) as few:
        alice_client.get("/analytics/?period=all")
    shelf(60)
    with django_assert_max_num_queries(len(few)):
        alice_client.get("/analytics/?period=all")


def test_it_lists_what_was_played_this_month_from_the_playtime_history(alice_client, alice_library):
    today = date.today()
    portal = own(alice_library, "Portal 2", playtime_minutes=700)
    hades = own(alice_library, "Hades", playtime_minutes=5000)
    own(alice_library, "Untouched", playtime_minutes=900)
    for entry, history in ((portal, ((40, 100), (10, 400), (2, 700))), (hades, ((60, 5000),))):
        for days_ago, minutes in history:
            PlaytimeSnapshot.objects.create(
                entry=entry, taken_on=today - timedelta(days=days_ago), playtime_minutes=minutes
            )
    html = alice_client.get("/analytics/").content.decode()
    section = html[html.index('data-testid="played-in-period"') :]
    section = section[: section.index("</section>")]
    assert "Played this month" in section
    assert '>Portal 2</a><span class="muted">10 h</span>' in section  # 100 → 700 in the period
    assert "Hades" not in section and "Untouched" not in section  # no change in the period
    week = alice_client.get("/analytics/?period=week").content.decode()
    assert "Played this week" in week and "5 h</span>" in week  # only the 400 → 700 step
