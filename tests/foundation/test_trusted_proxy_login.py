"""With AUTH_REMOTE_USER_HEADER set, the user named by the reverse proxy's header is signed in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCENARIOS = {"anonymous", "proxied", "unknown"}
ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
get_user_model().objects.create_user("alice")
client = Client()
print("anonymous", client.get("/").status_code)
print("proxied", client.get("/", HTTP_REMOTE_USER="alice").status_code)
print("unknown", client.get("/", HTTP_REMOTE_USER="mallory").status_code)
"""


def test_it_signs_in_the_user_named_by_the_proxy_header(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environment.update({"DATA_DIR": str(tmp_path), "AUTH_REMOTE_USER_HEADER": "Remote-User"})
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(
        line.split()
        for line in result.stdout.splitlines()
        if line.split()[:1] and line.split()[0] in SCENARIOS
    )
    assert lines == {"anonymous": "302", "proxied": "200", "unknown": "302"}
