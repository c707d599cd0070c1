"""Typed factories for the test cast and the library data."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from games.models import Achievement, Game, Genre, Release
from games.services.rollups import refresh_game_rollups
from libraries.models import Library, LibraryGame, SyncRun
from platforms.models import Platform


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


def steam() -> Platform:
    return Platform.objects.get(code="steam")


class LibraryFactory(DjangoModelFactory):
    class Meta:
        model = Library

    owner = factory.SubFactory(UserFactory)
    platform = factory.LazyFunction(steam)
    user_identifier = factory.Sequence(lambda n: str(76561197960287930 + n))
    display_name = factory.Sequence(lambda n: f"Player {n}")
    credentials = factory.LazyFunction(lambda: {"api_key": "A1B2C3D4E5F60718293A4B5C6D7E8F90"})


class GenreFactory(DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ("name",)

    name = "Action"


class GameFactory(DjangoModelFactory):
    class Meta:
        model = Game

    title = factory.Sequence(lambda n: f"Game {n}")
    metadata_status = Game.MetadataStatus.FETCHED


class ReleaseFactory(DjangoModelFactory):
    class Meta:
        model = Release

    platform = factory.LazyFunction(steam)
    external_id = factory.Sequence(lambda n: str(10 + n * 10))
    game = factory.SubFactory(GameFactory)
    store_name = factory.LazyAttribute(lambda release: release.game.title)


class LibraryGameFactory(DjangoModelFactory):
    class Meta:
        model = LibraryGame

    library = factory.SubFactory(LibraryFactory)
    release = factory.SubFactory(ReleaseFactory)
    playtime_minutes = 0

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # What every service writing a copy does: the game's roll-ups (one card per game).
        entry = super()._create(model_class, *args, **kwargs)
        refresh_game_rollups(game_ids=[entry.release.game_id], owner_ids=[entry.library.owner_id])
        entry.refresh_from_db(fields=ROLLUP_FIELDS)
        return entry


ROLLUP_FIELDS = [
    "represents_game",
    "game_playtime_minutes",
    "game_last_played_at",
    "game_store_count",
]


class AchievementFactory(DjangoModelFactory):
    class Meta:
        model = Achievement

    release = factory.SubFactory(ReleaseFactory)
    api_name = factory.Sequence(lambda n: f"ACH_{n}")
    display_name = factory.Sequence(lambda n: f"Achievement {n}")


class SyncRunFactory(DjangoModelFactory):
    class Meta:
        model = SyncRun

    library = factory.SubFactory(LibraryFactory)
    phases = factory.LazyFunction(lambda: ["owned", "details", "achievements"])
