"""Without IGDB credentials (and without HLTB_URL) nothing is called: no task is sent after a
sync, no request leaves, and the settings page says what IGDB would add."""

from __future__ import annotations

from games.models import SourceMetadata
from games.services import enrichment


def test_nothing_is_called_without_credentials(fake_igdb, household, settings, monkeypatch):
    settings.IGDB_CLIENT_ID = settings.IGDB_CLIENT_SECRET = ""
    sent: list[tuple] = []
    from games import tasks

    monkeypatch.setattr(tasks.enrich_metadata, "apply_async", lambda *a, **k: sent.append(a))

    enrichment.enqueue_enrichment(household.steam.pk)
    result = enrichment.enrich_library(household.steam.pk)

    assert sent == [] and result.looked_up == 0
    assert fake_igdb.requests == []
    assert not SourceMetadata.objects.exists()


def test_the_settings_page_says_what_igdb_would_add(alice, client, settings):
    settings.IGDB_CLIENT_ID = settings.IGDB_CLIENT_SECRET = ""
    client.force_login(alice)

    page = client.get("/settings/").content.decode()

    assert "IGDB would add" in page and "IGDB_CLIENT_ID" in page
