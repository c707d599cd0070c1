"""Real `manage.py runmcp` processes for the transport tests.

The server process uses the test database (SQLite file or PostgreSQL database, whichever the test
run created) and the test run's DATA_DIR, so it shares the secret and field-encryption keys. Tests
that talk to it commit their data (transactional_db). REDIS_URL is dropped: these processes run in
embedded mode, as `runmcp` does under Claude Desktop.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from mcp import StdioServerParameters

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]
DROPPED = ("DATABASE_URL", "REDIS_URL", "MCP_API_KEY", "STEAM_API_KEY")


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        DATABASE_URL=database_url(),
        DATA_DIR=str(settings.DATA_DIR),
        PYTHONUNBUFFERED="1",
        LOG_FORMAT="text",
        **extra,
    )
    return env


def stdio_server(*arguments: str, **env: str) -> StdioServerParameters:
    return StdioServerParameters(
        command=MANAGE[0],
        args=[*MANAGE[1:], "runmcp", *arguments],
        cwd=str(ROOT),
        env=server_env(**env),
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def http_server(log: Path, **env: str) -> Iterator[str]:
    """`runmcp --transport http` on a free port; yields its /mcp URL. Its stderr goes to LOG."""
    port = free_port()
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [*MANAGE, "runmcp", "--transport", "http", "--port", str(port)],
            cwd=ROOT,
            env=server_env(**env),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            _wait_for_port(port, process, log)
            yield f"http://127.0.0.1:{port}/mcp"
        finally:
            process.terminate()
            process.wait(timeout=15)


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"runmcp exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"runmcp did not listen on {port} within {timeout} s:\n{log.read_text()}")
