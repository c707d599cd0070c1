"""IGDB v4 (api.igdb.com), signed in with a Twitch application's client credentials."""

# IGDB's ``external_game_source`` ids of the stores we sync (api-docs.igdb.com, "External Game
# Source"; the field was called ``category`` before 2025 and that field is no longer filled in).
EXTERNAL_GAME_SOURCES: dict[str, int] = {
    "steam": 1,
    "gog": 5,
    "xbox": 11,
    "epic": 26,
    "playstation": 36,
}
