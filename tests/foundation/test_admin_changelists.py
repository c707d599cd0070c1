"""Every model in the admin renders its list and its form with data present."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from games.models import Collection, Match
from libraries.models import PlaytimeSnapshot
from mcp_bridge.keys import create_key
from tests.factories import AchievementFactory, LibraryGameFactory, ReleaseFactory, SyncRunFactory


def _world(alice, alice_library):
    entry = LibraryGameFactory(library=alice_library, playtime_minutes=90)
    PlaytimeSnapshot.objects.create(
        entry=entry, taken_on=timezone.now().date(), playtime_minutes=90
    )
    achievement = AchievementFactory(release=entry.release)
    achievement.unlocks.create(library=alice_library, unlocked_at=timezone.now())
    Match.objects.create(release=entry.release, matched_release=ReleaseFactory(), method="manual")
    SyncRunFactory(library=alice_library, status="failed", error_message="Steam said no")
    Collection.objects.create(owner=alice, name="Short games", rules={"playtime_max": 120})
    create_key(alice, "Claude Desktop")
    entry.release.game.genres.create(name="Puzzle")


def test_it_renders_every_changelist_and_change_form(alice_client, alice, alice_library):
    _world(alice, alice_library)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = alice_client.get(changelist)
        assert response.status_code == 200, changelist
        obj = model_admin.get_queryset(response.wsgi_request).first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert alice_client.get(change).status_code == 200, change
        search = alice_client.get(changelist, {"q": "a"})
        assert search.status_code == 200, f"{changelist}?q=a"


def test_it_never_shows_the_stored_api_key(alice_client, alice_library):
    url = reverse("admin:libraries_library_change", args=[alice_library.pk])
    body = alice_client.get(url).content.decode()
    assert alice_library.credentials["api_key"] not in body
