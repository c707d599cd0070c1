"""Existing installs kept Steam's store metadata on the game itself; keep it as Steam's own
SourceMetadata row so the per-source resolution starts from what was already fetched."""

from django.db import migrations

FIELDS = [
    "game_type", "description", "developers", "publishers", "release_date_text", "esrb_rating",
    "esrb_descriptors", "pegi_rating", "required_age", "content_descriptor_ids",
    "content_descriptor_notes", "metacritic_score", "metacritic_url", "cover_url", "header_url",
    "capsule_url", "background_url", "screenshots", "os_platforms", "is_free", "website",
]


def forwards(apps, schema_editor):
    Release = apps.get_model("games", "Release")
    SourceMetadata = apps.get_model("games", "SourceMetadata")
    releases = (
        Release.objects.filter(platform__code="steam")
        .exclude(game__metadata_status="pending")
        .select_related("game")
        .prefetch_related("game__genres", "game__categories")
    )
    batch = []
    for release in releases.iterator(chunk_size=500):
        game = release.game
        data = {name: getattr(game, name) for name in FIELDS}
        data["release_date"] = game.release_date.isoformat() if game.release_date else None
        data["genres"] = sorted(genre.name for genre in game.genres.all())
        data["categories"] = sorted(category.name for category in game.categories.all())
        batch.append(
            SourceMetadata(
                release=release,
                source="steam",
                status="fetched" if game.metadata_status == "fetched" else "unavailable",
                data=data,
                fetched_at=game.metadata_updated_at or game.updated_at,
            )
        )
        if len(batch) >= 500:
            SourceMetadata.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    SourceMetadata.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("games", "0004_multi_store"), ("platforms", "0003_platform_kind")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
