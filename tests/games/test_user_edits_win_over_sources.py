"""Each source's metadata is kept per release, the game shows fields chosen by the source
priority, and what the user edited by hand (in the admin) always wins until they let go of it."""

from __future__ import annotations

from django.utils import timezone

from games.models import Game, Release, SourceMetadata
from games.services.catalogue import forget_user_edits, resolve_metadata
from platforms.models import Platform


def _release(game: Game, store: str, external_id: str) -> Release:
    return Release.objects.create(
        game=game, platform=Platform.objects.get(code=store), external_id=external_id
    )


def _says(release: Release, source: str, **data) -> None:
    SourceMetadata.objects.create(
        release=release, source=source, data=data, fetched_at=timezone.now()
    )


def test_the_priority_decides_field_by_field_not_the_last_write(db, settings):
    settings.METADATA_SOURCE_PRIORITY = ["steam", "gog"]
    game = Game.objects.create(title="The Witcher 3")
    _says(
        _release(game, "gog", "1207664643"), "gog", description="GOG's words", developers=["CDPR"]
    )
    _says(_release(game, "steam", "292030"), "steam", description="Steam's words")

    resolve_metadata([game.pk])

    game.refresh_from_db()
    # Steam ranks first for the description; only GOG names the developers.
    assert (game.description, game.developers) == ("Steam's words", ["CDPR"])


def test_a_field_edited_in_the_admin_stays_until_the_edits_are_forgotten(admin_client, db):
    game = Game.objects.create(title="Hades")
    _says(_release(game, "steam", "1145360"), "steam", description="From the store", website="")
    resolve_metadata([game.pk])

    response = admin_client.post(
        f"/admin/games/game/{game.pk}/change/",
        {
            "title": "Hades",
            "game_type": "game",
            "description": "My own words",
            "developers": "[]",
            "publishers": "[]",
            "esrb_descriptors": "[]",
            "content_descriptor_ids": "[]",
            "screenshots": "[]",
            "os_platforms": "[]",
            "user_edited_fields": "[]",
            "required_age": "0",
            "metadata_status": "fetched",
            "releases-TOTAL_FORMS": "0",
            "releases-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    resolve_metadata([game.pk])  # a later sync of the store
    game.refresh_from_db()
    assert game.description == "My own words"
    assert "description" in game.user_edited_fields

    forget_user_edits([game.pk])

    game.refresh_from_db()
    assert (game.description, game.user_edited_fields) == ("From the store", [])
