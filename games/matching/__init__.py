"""Cross-store identity: title keys for matching (normalize) used by games.services.matching."""
