"""Steam: the Web API (owned games, playtime, achievements) and the store (metadata)."""
