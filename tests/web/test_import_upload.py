"""Importing a library file from the web: the upload is read before anything is saved, a file
that is too large is stopped while it streams in, and a good one lands with a sync run."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from libraries.models import Library, LibraryGame
from libraries.services.imports import imports_dir
from platforms.integrations.galaxy.sample import SampleRelease, build_galaxy_db

RELEASES = [
    SampleRelease("gog_1207658924", title="Beneath a Steel Sky", minutes=240),
    SampleRelease("steam_400", title="Portal", minutes=180),
]


def _upload(client, name: str, content: bytes, **fields):
    return client.post(
        "/libraries/add/galaxy/",
        {"file": SimpleUploadedFile(name, content), "display_name": "", **fields},
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_imports_an_uploaded_galaxy_database(
    alice_client, alice, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path / "data"  # only this test's staged upload
    path = build_galaxy_db(tmp_path / "galaxy-2.0.db", RELEASES)

    preview = _upload(alice_client, "galaxy-2.0.db", path.read_bytes(), display_name="PC")
    assert 'data-testid="preview-counts"' in preview.content.decode()
    assert not Library.objects.exists()
    (token,) = (p.name for p in (imports_dir() / "staged").iterdir())
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            f"/libraries/add/galaxy/preview/{token}/", {"action": "confirm", "name": "PC"}
        )

    library = Library.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/libraries/{library.pk}/"
    assert (library.platform.code, library.display_name) == ("galaxy", "PC")
    run = library.sync_runs.get()
    assert run.trigger == "upload"
    if run.status == "succeeded":  # the embedded worker may already have run it
        assert LibraryGame.objects.filter(library=library).count() == 2


def test_a_file_that_is_not_a_database_is_one_sentence_and_nothing_saved(alice_client, alice):
    response = _upload(alice_client, "galaxy-2.0.db", b"hello, not sqlite" * 100)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="add-library-error"' in html
    assert "GOG Galaxy database" in html
    assert not Library.objects.exists()


def test_a_file_over_the_limit_is_stopped_while_it_streams(alice_client, alice, settings):
    settings.IMPORT_MAX_MB = 1

    response = _upload(alice_client, "galaxy-2.0.db", b"\0" * (1024 * 1024 + 4096))

    html = response.content.decode()
    assert "larger than this server accepts (1 MB" in html
    assert not Library.objects.exists()


def test_the_form_shows_where_to_find_the_file(alice_client):
    html = alice_client.get("/libraries/add/galaxy/").content.decode()

    assert "C:\\ProgramData\\GOG.com\\Galaxy\\storage\\galaxy-2.0.db" in html
    assert 'enctype="multipart/form-data"' in html
