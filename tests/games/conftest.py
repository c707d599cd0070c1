"""Fixtures for the games tests: the known library of tests.games.world."""

from tests.games.world import game_world  # noqa: F401
