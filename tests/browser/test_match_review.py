"""The match review page and a merged game's page in Chromium, against a real server: a suggestion
shows both sides and its evidence; accepting it makes one game listing both stores; a rejection
stays rejected when matching runs again as a sync runs it; a merge is undone from the recent
decisions; the keyboard accepts and rejects; two games found by search merge and a release splits
off again; a merged game's page shows one title, each store's playtime, last played and
achievements, and the total.

Its own server (`manage.py serve --no-worker`) with its own data: each test seeds its games with the
factories and runs the matching service in that server's environment (`manage.py shell`), exactly
as a sync does after an import (match_releases on the new releases).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.server import ROOT, free_port, server_environment, serving, signed_in

pytestmark = pytest.mark.browser

USERNAME = "reviewer"
PASSWORD = "review-Passw0rd!"
MARK = "SEEDED:"

# Shared by every seed: the admin's Steam and GOG libraries (made once), and `own`, one copy of a
# new game on one store. External ids are given, not sequenced: each seed is a new process, where
# factory sequences start again.
PRELUDE = """
import json
from datetime import date, datetime, timezone
from django.contrib.auth import get_user_model
from games.services.matching import match_releases
from libraries.models import Library
from platforms.models import Platform
from tests.factories import (
    AchievementFactory, GameFactory, LibraryFactory, LibraryGameFactory, ReleaseFactory,
)

owner = get_user_model().objects.get(username="{username}")
stores = {{code: Platform.objects.get(code=code) for code in ("steam", "gog")}}
libraries = {{
    code: Library.objects.filter(owner=owner, platform=platform).first()
    or LibraryFactory(
        owner=owner,
        platform=platform,
        user_identifier=f"reviewer-{{code}}",
        display_name=f"Reviewer on {{platform.name}}",
    )
    for code, platform in stores.items()
}}


def own(code, external_id, title, year, minutes, played=None):
    game = GameFactory(title=title, release_date=date(year, 6, 1))
    release = ReleaseFactory(
        game=game, platform=stores[code], external_id=external_id, store_name=title
    )
    return LibraryGameFactory(
        library=libraries[code],
        release=release,
        playtime_minutes=minutes,
        last_played_at=played,
    )


def done(**values):
    print("{mark}" + json.dumps(values))
"""


@pytest.fixture(scope="module")
def review_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = server_environment(
        url,
        port,
        tmp_path_factory.mktemp("review-data"),
        ADMIN_USERNAME=USERNAME,
        ADMIN_PASSWORD=PASSWORD,
        ADMIN_EMAIL="reviewer@example.com",
    )
    log_path = tmp_path_factory.mktemp("review-log") / "server.log"
    with serving(url, port, environment, log_path, "--no-worker"):
        yield {"url": url, "environment": environment}


def seed(server: dict[str, Any], code: str) -> dict[str, Any]:
    """Run CODE after PRELUDE in the server's environment; return what it passed to done()."""
    script = PRELUDE.format(username=USERNAME, mark=MARK) + code
    finished = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=server["environment"],
        check=True,
        capture_output=True,
        text=True,
    )
    [line] = [line for line in finished.stdout.splitlines() if line.startswith(MARK)]
    return json.loads(line.removeprefix(MARK))


@pytest.fixture
def page(browser: Browser, review_server: dict[str, Any]) -> Iterator[Page]:
    with signed_in(browser, review_server["url"], USERNAME, PASSWORD) as signed:
        yield signed


def suggestion(page: Page, title: str):
    """The suggestion whose sides include TITLE."""
    return page.locator("[data-review-list] .match").filter(
        has=page.locator(".match-title", has_text=title)
    )


def open_count(page: Page) -> int:
    return int(page.locator("#suggested-count").inner_text())


def test_it_shows_a_suggestion_with_both_sides_and_accepting_makes_one_game(
    page: Page, review_server
):
    seeded = seed(
        review_server,
        """
steam = own("steam", "22300", "Fallout 3", 2008, 600)
gog = own("gog", "1454315831", "Fallout 3: Game of the Year Edition", 2009, 90)
report = match_releases([steam.release_id, gog.release_id])
done(suggestions=len(report.suggestions), joins=len(report.joins))
""",
    )
    assert seeded == {"suggestions": 1, "joins": 0}

    page.goto("/matches/")
    match = suggestion(page, "Fallout 3: Game of the Year Edition")
    expect(match).to_have_count(1)
    sides = match.locator(".match-side")
    expect(sides).to_have_count(2)
    expect(sides.nth(0)).to_contain_text("Fallout 3")
    expect(sides.nth(0)).to_contain_text("Steam")
    expect(sides.nth(0)).to_contain_text("2008")
    expect(sides.nth(0)).to_contain_text("10 h")
    expect(sides.nth(1)).to_contain_text("Fallout 3: Game of the Year Edition")
    expect(sides.nth(1)).to_contain_text("GOG")
    expect(sides.nth(1)).to_contain_text("2009")
    expect(sides.nth(1)).to_contain_text("1 h 30 min")
    expect(match.locator(".match-evidence")).to_contain_text(re.compile(r"\d+%\s+\S"))
    before = open_count(page)
    expect(page.locator("#open-suggestions")).to_have_text(str(before))  # the sidebar's count

    match.get_by_role("button", name="Accept: same game").click()

    expect(suggestion(page, "Fallout 3: Game of the Year Edition")).to_have_count(0)
    expect(page.locator("#suggested-count")).to_have_text(str(before - 1))
    sidebar = page.locator("#open-suggestions")
    if before > 1:
        expect(sidebar).to_have_text(str(before - 1))
    else:
        expect(sidebar).to_have_count(0)  # nothing waiting: no badge
    change = page.locator("#changes li").filter(has_text="Fallout 3")
    expect(change.first).to_contain_text("merge")
    change.first.get_by_role("link", name="open game").click()

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    copies = page.get_by_test_id("owned-copy")
    expect(copies).to_have_count(2)
    expect(copies.nth(0)).to_contain_text("Steam")
    expect(copies.nth(1)).to_contain_text("GOG")
    expect(page.get_by_test_id("owned-total")).to_contain_text("11 h 30 min")


def test_a_rejected_suggestion_stays_rejected_when_matching_runs_again(page: Page, review_server):
    seeded = seed(
        review_server,
        """
steam = own("steam", "230230", "Divinity: Original Sin", 2014, 300)
gog = own("gog", "1445516929", "Divinity: Original Sin - Enhanced Edition", 2015, 60)
report = match_releases([steam.release_id, gog.release_id])
done(
    suggestions=len(report.suggestions),
    joins=len(report.joins),
    releases=[steam.release_id, gog.release_id],
    games=[steam.release.game_id, gog.release.game_id],
)
""",
    )
    assert (seeded["suggestions"], seeded["joins"]) == (1, 0)

    page.goto("/matches/")
    match = suggestion(page, "Divinity: Original Sin - Enhanced Edition")
    expect(match).to_have_count(1)
    expect(match.locator(".match-evidence")).not_to_be_empty()
    before = open_count(page)
    match.get_by_role("button", name="Reject: different games").click()

    expect(suggestion(page, "Divinity: Original Sin - Enhanced Edition")).to_have_count(0)
    expect(page.locator("#suggested-count")).to_have_text(str(before - 1))
    expect(page.locator("#changes li").filter(has_text="Divinity").first).to_contain_text("reject")

    # The next sync brings the same releases again and matches them as new.
    again = seed(
        review_server,
        f"""
report = match_releases({seeded["releases"]!r})
done(suggestions=len(report.suggestions), joins=len(report.joins))
""",
    )
    assert again == {"suggestions": 0, "joins": 0}

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matches")
    expect(suggestion(page, "Divinity: Original Sin - Enhanced Edition")).to_have_count(0)
    expect(page.locator("#suggested-count")).to_have_text(str(before - 1))
    for game_id in seeded["games"]:
        page.goto(f"/games/{game_id}/")
        expect(page.get_by_test_id("owned-copy")).to_have_count(1)


def test_it_undoes_a_merge_from_the_recent_decisions(page: Page, review_server):
    seeded = seed(
        review_server,
        """
steam = own("steam", "367520", "Hollow Knight", 2017, 1200)
gog = own("gog", "1308320804", "Hollow Knight", 2017, 45)
games = [steam.release.game_id, gog.release.game_id]
report = match_releases([steam.release_id, gog.release_id])
done(joins=len(report.joins), games=games)
""",
    )
    assert seeded["joins"] == 1
    steam_game, gog_game = seeded["games"]

    page.goto("/matches/")
    change = page.locator("#changes li").filter(has_text="merged Hollow Knight")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("the matcher")
    change.get_by_role("link", name="open game").click()
    expect(page.get_by_test_id("owned-copy")).to_have_count(2)

    page.goto("/matches/")
    page.locator("#changes li").filter(has_text="merged Hollow Knight").get_by_role(
        "button", name="Undo"
    ).click()

    expect(page.get_by_text("Undid: merged Hollow Knight")).to_be_visible()
    expect(page.locator("#changes li").filter(has_text="merged Hollow Knight")).to_have_count(0)
    for game_id, store, playtime in ((steam_game, "Steam", "20 h"), (gog_game, "GOG", "45 min")):
        page.goto(f"/games/{game_id}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Hollow Knight")
        copies = page.get_by_test_id("owned-copy")
        expect(copies).to_have_count(1)
        expect(copies).to_contain_text(store)
        expect(copies).to_contain_text(playtime)


def test_the_keyboard_rejects_and_accepts_suggestions(page: Page, review_server):
    seed(
        review_server,
        """
a = own("steam", "2990", "Dragon Age: Origins", 2009, 120)
b = own("gog", "1949616134", "Dragon Age: Origins - Ultimate Edition", 2010, 30)
c = own("steam", "8980", "Borderlands", 2009, 240)
d = own("gog", "1207664583", "Borderlands: Game of the Year Enhanced", 2019, 15)
report = match_releases([entry.release_id for entry in (a, b, c, d)])
done(suggestions=len(report.suggestions))
""",
    )

    page.goto("/matches/")
    dragon_age = suggestion(page, "Dragon Age: Origins - Ultimate Edition")
    borderlands = suggestion(page, "Borderlands: Game of the Year Enhanced")
    expect(dragon_age).to_have_count(1)
    expect(borderlands).to_have_count(1)
    before = open_count(page)

    # The first suggestion has the focus on arrival; j and k move it.
    listed = page.locator("[data-review-list] .match")
    expect(listed.first).to_be_focused()
    page.keyboard.press("j")
    expect(listed.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(listed.first).to_be_focused()

    dragon_age.focus()
    page.keyboard.press("r")
    expect(dragon_age).to_have_count(0)
    expect(page.locator("#suggested-count")).to_have_text(str(before - 1))
    expect(page.locator("#changes li").first).to_contain_text("Dragon Age")

    borderlands.focus()
    page.keyboard.press("a")
    expect(borderlands).to_have_count(0)
    expect(page.locator("#suggested-count")).to_have_text(str(before - 2))
    expect(page.locator("#changes li").first).to_contain_text("merge")

    # u undoes the latest decision, the merge: the two games are apart again, and the rejection
    # before it is now the latest.
    page.keyboard.press("u")
    expect(page.get_by_text("Undid: merged Borderlands")).to_be_visible()
    expect(page.locator("#changes li").filter(has_text="merged Borderlands")).to_have_count(0)
    expect(page.locator("#changes li").first).to_contain_text("Dragon Age")


def test_a_merged_games_page_shows_each_store_and_the_total(page: Page, review_server):
    seeded = seed(
        review_server,
        """
steam = own(
    "steam", "413150", "Stardew Valley", 2016, 6000,
    played=datetime(2026, 3, 5, 12, tzinfo=timezone.utc),
)
gog = own(
    "gog", "1453375253", "Stardew Valley", 2016, 300,
    played=datetime(2025, 11, 20, 12, tzinfo=timezone.utc),
)
for entry, total, unlocked in ((steam, 4, 3), (gog, 2, 1)):
    for n in range(total):
        achievement = AchievementFactory(release=entry.release, api_name=f"ACH_{n}")
        if n < unlocked:
            achievement.unlocks.create(library=entry.library)
report = match_releases([steam.release_id, gog.release_id])
steam.release.refresh_from_db()
done(joins=len(report.joins), game=steam.release.game_id)
""",
    )
    assert seeded["joins"] == 1

    page.goto(f"/games/{seeded['game']}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stardew Valley")
    copies = page.get_by_test_id("owned-copy")
    expect(copies).to_have_count(2)
    expect(copies.nth(0)).to_contain_text("Steam")
    expect(copies.nth(0)).to_contain_text("Reviewer on Steam · 100 h")
    expect(copies.nth(0)).to_contain_text("Last played Mar 5, 2026 · 3 / 4 achievements")
    expect(copies.nth(1)).to_contain_text("GOG")
    expect(copies.nth(1)).to_contain_text("Reviewer on GOG · 5 h")
    expect(copies.nth(1)).to_contain_text("Last played Nov 20, 2025 · 1 / 2 achievements")
    expect(page.get_by_test_id("owned-total")).to_contain_text("105 h")
    expect(page.locator(".hero-stats")).to_contain_text("105 h")


def test_it_merges_two_games_found_by_search_and_splits_a_release_off(page: Page, review_server):
    # Titles the matcher does not link: only the user knows these are one game.
    seeded = seed(
        review_server,
        """
steam = own("steam", "261570", "Ori Blind Forest", 2015, 480)
gog = own("gog", "1436867224", "Ori Definitive Edition Collection", 2016, 120)
done(games=[steam.release.game_id, gog.release.game_id])
""",
    )
    kept, folded = seeded["games"]

    page.goto("/matches/")
    page.get_by_label("First game").press_sequentially("Ori Blind", delay=20)
    keep = page.locator("#game-candidates").get_by_role("radio")
    expect(keep).to_have_count(1)
    expect(page.locator("#game-candidates")).to_contain_text(f"game {kept} · Steam")
    page.get_by_label("Second game").press_sequentially("Definitive Edition Coll", delay=20)
    fold = page.locator("#other-candidates").get_by_role("radio")
    expect(fold).to_have_count(1)
    expect(page.locator("#other-candidates")).to_contain_text(f"game {folded} · GOG")
    keep.check()
    fold.check()
    page.get_by_role("button", name="Merge", exact=True).click()

    expect(
        page.get_by_text("Merged “Ori Definitive Edition Collection” into “Ori Blind Forest”.")
    ).to_be_visible()
    page.goto(f"/games/{kept}/")
    copies = page.get_by_test_id("owned-copy")
    expect(copies).to_have_count(2)
    expect(page.get_by_test_id("owned-total")).to_contain_text("10 h")

    copies.filter(has_text="GOG").get_by_role("button", name="Split off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matches")
    expect(page.locator("#changes li").first).to_contain_text("split")
    page.goto(f"/games/{kept}/")
    expect(page.get_by_test_id("owned-copy")).to_have_count(1)
    expect(page.get_by_test_id("owned-copy")).to_contain_text("Steam")
