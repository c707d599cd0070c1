"""addlibrary and synclibrary: what they print and how they exit."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from libraries.models import Library, SyncRun
from platforms.integrations.steam.fake_server import PRIVATE_VANITY
from tests.libraries.conftest import subprocess_env


def _call(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_addlibrary_prints_the_new_librarys_id(alice, bob, world, steam):
    out, err = _call(
        "addlibrary",
        "steam",
        "https://steamcommunity.com/id/demo/",
        "--api-key",
        world.api_key,
        "--name",
        "Den PC",
    )

    library = Library.objects.get()
    assert out.strip() == str(library.pk)
    assert (library.owner, library.display_name) == (alice, "Den PC")  # the first admin by default
    assert world.api_key not in out + err

    out, _ = _call("addlibrary", "steam", "demo", "--api-key", world.api_key, "--owner", "bob")
    assert Library.objects.get(pk=int(out)).owner == bob


def test_addlibrary_explains_a_private_profile(alice, world, steam):
    with pytest.raises(CommandError, match="private") as raised:
        _call("addlibrary", "steam", PRIVATE_VANITY, "--api-key", world.api_key)

    assert raised.value.returncode == 1
    assert not Library.objects.exists()


def test_addlibrary_needs_an_owner(db, world, steam):
    with pytest.raises(CommandError, match="There is no user named 'zed'"):
        _call("addlibrary", "steam", "demo", "--owner", "zed")


def test_synclibrary_prints_progress_and_succeeds(library, steam):
    steam.latency_seconds = 0.005

    out, _ = _call("synclibrary", str(library.pk))

    lines = out.splitlines()
    assert lines[0] == f"Syncing {library} (run #{SyncRun.objects.get().pk})"
    assert any(line.startswith("  details: ") for line in lines)
    assert lines[-1].startswith("Done: 60 added, 0 updated, 0 unchanged, 0 removed; 60 store pages")


def test_synclibrary_runs_only_the_phase_asked_for(library, steam):
    _call("synclibrary", str(library.pk), "--phase", "owned")

    run = SyncRun.objects.get()
    assert (run.status, run.phases) == ("succeeded", ["owned"])
    assert steam.counts_by_endpoint("store") == {}


@pytest.mark.parametrize(
    ("breakage", "reason"),
    [
        ({"private_profile": True}, "This Steam profile's game details are private."),
        ({"invalid_key": True}, "Steam rejected the Web API key (access denied)."),
    ],
)
def test_synclibrary_fails_with_a_one_line_reason(library, steam, breakage, reason):
    for switch, value in breakage.items():
        setattr(steam, switch, value)

    with pytest.raises(CommandError) as raised:
        _call("synclibrary", str(library.pk))

    assert raised.value.returncode == 1
    assert str(raised.value).startswith(reason)
    assert "\n" not in str(raised.value)


def test_synclibrary_says_until_when_it_is_rate_limited(library, steam):
    steam.set_rate_limit("api", (0, 60))
    steam.retry_after = 300

    with pytest.raises(
        CommandError, match=r"^Rate limited until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"
    ) as raised:
        _call("synclibrary", str(library.pk))

    assert raised.value.returncode == 75  # EX_TEMPFAIL: try again later
    assert SyncRun.objects.get().status == SyncRun.Status.RATE_LIMITED


def test_synclibrary_refuses_while_a_sync_is_running(library):
    SyncRun.objects.create(library=library, status=SyncRun.Status.RUNNING, phases=["owned"])

    with pytest.raises(CommandError, match="already running"):
        _call("synclibrary", str(library.pk))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_exit_code_and_reason_reach_the_shell(library, steam):
    steam.private_profile = True

    failed = subprocess.run(
        [sys.executable, "manage.py", "synclibrary", str(library.pk)],
        cwd=settings.BASE_DIR,
        env=subprocess_env(LOG_LEVEL="error"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines() == [
        "CommandError: This Steam profile's game details are private. Set 'Game details' to "
        "Public in Steam's privacy settings, then sync again."
    ]
    steam.private_profile = False

    succeeded = subprocess.run(
        [sys.executable, "manage.py", "synclibrary", str(library.pk), "--phase", "owned"],
        cwd=settings.BASE_DIR,
        env=subprocess_env(LOG_LEVEL="error"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert succeeded.returncode == 0, succeeded.stderr
    assert "Done: 60 added" in succeeded.stdout
