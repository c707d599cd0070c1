"""add_platform_library and sync_platform_library against the fake Steam server (a real HTTP
server). The sync runs in a thread of its own in embedded mode, so these tests commit their data."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery.signals import after_task_publish

from libraries.models import Library, SyncRun
from libraries.services.sync import request_sync
from platforms.integrations.steam.fake_server import FakeSteam, SteamWorld, generate_world
from tests.factories import LibraryFactory
from tests.fakes.steam import aim_at_fake_steam
from tests.mcp.conftest import call, error_text, with_client

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def steam_world() -> SteamWorld:
    return generate_world(40, seed=3)


@pytest.fixture
def fake_steam(steam_world: SteamWorld, settings: Any) -> Iterator[FakeSteam]:
    """The fake Steam, with the app's client aimed at it through settings (fast retries)."""
    with FakeSteam(steam_world) as fake:
        aim_at_fake_steam(settings, fake.url)
        yield fake


@pytest.fixture
def steam_library(alice, steam_world, fake_steam) -> Library:
    return LibraryFactory(
        owner=alice,
        user_identifier=steam_world.steamid,
        display_name="Alice on Steam",
        credentials={"api_key": steam_world.api_key},
    )


def wait_until_finished(run_id: int, seconds: float = 30) -> SyncRun:
    deadline = time.monotonic() + seconds
    while (run := SyncRun.objects.get(pk=run_id)).is_active and time.monotonic() < deadline:
        time.sleep(0.05)
    return run


def test_it_adds_a_library_after_checking_the_account_with_steam(
    alice_server, steam_world, fake_steam
):
    result = call(
        alice_server,
        "add_platform_library",
        {
            "platform_code": "steam",
            "credentials": {"account": steam_world.vanity, "api_key": steam_world.api_key},
            "display_name": "Main account",
        },
    )
    added = result.structuredContent
    assert not result.isError, result.content[0].text
    assert (added["account_id"], added["display_name"], added["own_api_key"]) == (
        steam_world.steamid,
        "Main account",
        "••••" + steam_world.api_key[-4:],
    )
    assert steam_world.api_key not in result.content[0].text
    assert Library.objects.get(pk=added["library_id"]).credentials == {
        "api_key": steam_world.api_key
    }


def test_it_refuses_a_key_steam_rejects_without_repeating_it(alice_server, steam_world, fake_steam):
    wrong = "F" * 32
    text = error_text(
        call(
            alice_server,
            "add_platform_library",
            {
                "platform_code": "steam",
                "credentials": {"account": steam_world.steamid, "api_key": wrong},
            },
        )
    )
    assert wrong not in text and "key" in text.lower()
    assert not Library.objects.exists()


def test_it_syncs_in_process_in_embedded_mode_reporting_each_phase(
    alice_server, steam_library, steam_world, settings
):
    settings.EMBEDDED_MODE = True
    progress: list[tuple[float, float | None, str | None]] = []

    async def record(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message))

    result = with_client(
        alice_server,
        lambda client: client.call_tool(
            "sync_platform_library", {"library_id": steam_library.pk}, progress_callback=record
        ),
    )
    summary = result.structuredContent
    assert not result.isError, result.content[0].text
    assert (summary["status"], summary["finished"]) == ("succeeded", True)
    assert summary["counts"]["added"] == len(steam_world.player.owned)
    values = [value for value, _, _ in progress]
    assert values == sorted(set(values)) and values[-1] == 3
    assert {total for _, total, _ in progress} == {3}
    done = [
        message for _, _, message in progress if message.endswith("done.") or "done (" in message
    ]
    assert [m.split(":")[0] for m in done] == ["Owned games", "Store metadata", "Achievements"]


def test_it_returns_the_run_at_once_without_wait(alice_server, steam_library, settings):
    settings.EMBEDDED_MODE = True
    started = call(
        alice_server, "sync_platform_library", {"library_id": steam_library.pk, "wait": False}
    )
    run = started.structuredContent
    assert run["finished"] is False and run["status"] in ("queued", "running")
    assert wait_until_finished(run["run_id"]).status == SyncRun.Status.SUCCEEDED


def test_it_hands_the_sync_to_the_worker_outside_embedded_mode(
    alice_server, steam_library, settings
):
    settings.EMBEDDED_MODE = False
    published: list[tuple] = []

    def record(sender=None, body=None, **_: Any) -> None:
        published.append((sender, list(body[0])))

    after_task_publish.connect(record)
    try:
        result = call(
            alice_server, "sync_platform_library", {"library_id": steam_library.pk, "wait": False}
        )
    finally:
        after_task_publish.disconnect(record)
    run = result.structuredContent
    assert run["status"] == "queued"
    assert published == [("libraries.tasks.sync_library", [run["run_id"]])]
    SyncRun.objects.filter(pk=run["run_id"]).update(status=SyncRun.Status.CANCELLED)


def test_it_refuses_a_second_sync_while_one_is_active(alice_server, steam_library):
    active = request_sync(steam_library, trigger=SyncRun.Trigger.MANUAL, enqueue=False)
    text = error_text(call(alice_server, "sync_platform_library", {"library_id": steam_library.pk}))
    assert text.startswith(f"A sync of this library is already queued (run #{active.pk})")


def test_it_fails_the_call_with_the_reason_when_the_sync_fails(
    alice_server, steam_library, fake_steam, settings
):
    settings.EMBEDDED_MODE = True
    fake_steam.invalid_key = True
    text = error_text(call(alice_server, "sync_platform_library", {"library_id": steam_library.pk}))
    assert text.startswith("The sync failed: ")
