"""Importing a file from the web shows what the import would do first (n new, updated,
unchanged, leaving, skipped and why) and writes nothing until the user confirms; Cancel lets the
staged upload go. The same flow serves every file source."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from games.models import Game, Release
from games.queries import LibraryFilters
from games.services.export import export_library
from libraries.models import Library, LibraryGame, SyncRun
from libraries.services.imports import imports_dir
from platforms.integrations.playnite.sample import SampleGame, build_playnite_csv
from tests.imports.helpers import run_import

GAMES = [
    SampleGame("Portal 2", source="Steam", game_id="620", seconds=5400, completion="Beaten"),
    SampleGame("The Witcher 3", source="GOG", game_id="1207664643", seconds=60),
    SampleGame("Super Mario Odyssey", source="", platforms=("Nintendo Switch",)),
]


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    # Each test sees only its own staged uploads.
    settings.DATA_DIR = tmp_path / "data"


def _counts(html: str) -> dict[str, int]:
    return {
        name: int(value.replace(",", ""))
        for name, value in re.findall(r'data-count="(\w+)">([\d,]+)<', html)
    }


def _staged() -> list[str]:
    folder = imports_dir() / "staged"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _upload(client, path, name=""):
    return client.post(
        "/libraries/add/playnite/",
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "display_name": name},
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_previews_an_upload_and_writes_nothing_before_confirm(
    alice_client, alice, tmp_path, django_capture_on_commit_callbacks
):
    path = build_playnite_csv(tmp_path / "playnite.csv", GAMES)

    response = _upload(alice_client, path, name="Everything")

    html = response.content.decode()
    assert response.status_code == 200
    assert _counts(html) == {"new": 3, "updated": 0, "unchanged": 0, "removed": 0, "skipped": 0}
    assert "Makes a new library, <strong>Everything</strong>" in html
    assert not Library.objects.exists()
    assert not Game.objects.exists() and not Release.objects.exists()
    (token,) = _staged()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = alice_client.post(
            f"/libraries/add/playnite/preview/{token}/", {"action": "confirm", "name": "Everything"}
        )

    library = Library.objects.get(owner=alice)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/libraries/{library.pk}/"
    assert library.display_name == "Everything"
    assert library.sync_runs.get().trigger == SyncRun.Trigger.UPLOAD
    assert _staged() == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_counts_what_a_newer_file_would_change_with_the_skipped_rows(
    alice_client, alice, tmp_path
):
    library, _, _ = run_import(alice, "playnite", build_playnite_csv(tmp_path / "a.csv", GAMES))
    newer = [
        SampleGame("Portal 2", source="Steam", game_id="620", seconds=9000, completion="Beaten"),
        GAMES[1],
        SampleGame("Hades", source="Steam", game_id="1145360"),
        SampleGame("", source="Steam", game_id="1"),
        SampleGame("Bad Time", source="Steam", game_id="2", extra={"Time Played": "lots"}),
    ]
    path = build_playnite_csv(tmp_path / "b.csv", newer)
    before = sorted(LibraryGame.objects.values_list("pk", "playtime_minutes", "removed_at"))

    html = _upload(alice_client, path).content.decode()

    assert _counts(html) == {"new": 1, "updated": 1, "unchanged": 1, "removed": 1, "skipped": 2}
    assert f"Updates your library <strong>{library.display_name}</strong>" in html
    assert "line 5: the game has no name" in html
    assert "line 6: time played &#x27;lots&#x27; is not a number" in html
    assert sorted(LibraryGame.objects.values_list("pk", "playtime_minutes", "removed_at")) == before
    assert not Release.objects.filter(external_id="1145360").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cancel_discards_the_upload_and_imports_nothing(alice_client, alice, tmp_path):
    _upload(alice_client, build_playnite_csv(tmp_path / "playnite.csv", GAMES))
    (token,) = _staged()

    response = alice_client.post(f"/libraries/add/playnite/preview/{token}/", {"action": "cancel"})

    assert response.status_code == 302
    assert response["Location"] == "/libraries/add/playnite/"
    assert _staged() == []
    assert not Library.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_upload_is_only_its_owners_to_confirm(alice_client, alice, bob, tmp_path):
    _upload(alice_client, build_playnite_csv(tmp_path / "playnite.csv", GAMES))
    (token,) = _staged()
    alice_client.force_login(bob)

    response = alice_client.post(
        f"/libraries/add/playnite/preview/{token}/", {"action": "confirm"}, follow=True
    )

    assert "That upload is not yours or has expired" in response.content.decode()
    assert not Library.objects.exists()
    assert _staged() == [token]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_our_own_export_previews_every_library_it_restores(alice_client, alice, tmp_path):
    path = build_playnite_csv(tmp_path / "playnite.csv", GAMES)
    run_import(alice, "playnite", path)
    LibraryGame.objects.filter(release__external_id="620").update(notes="Again with Bob")
    exported = export_library(alice, LibraryFilters(), "json").content
    Library.objects.all().delete()
    upload = SimpleUploadedFile("gamedjinn.json", exported.encode())

    html = alice_client.post(
        "/libraries/add/gamedjinn/", {"file": upload, "display_name": ""}
    ).content.decode()

    assert _counts(html) == {"new": 3, "updated": 0, "unchanged": 0, "removed": 0, "skipped": 0}
    assert "Restores the libraries <strong>Playnite</strong>" in html
    assert not Library.objects.exists()
    (token,) = _staged()
    alice_client.post(f"/libraries/add/gamedjinn/preview/{token}/", {"action": "confirm"})
    assert LibraryGame.objects.get(release__external_id="620").notes == "Again with Bob"
