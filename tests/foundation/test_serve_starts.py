"""`manage.py serve` starts from nothing and answers /health — embedded, and in production mode
with a separate Celery worker and beat on PostgreSQL + Redis."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_health(port: int, processes: list[subprocess.Popen], timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"process exited early:\n{process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            last = exc.read().decode()
        except OSError as exc:
            last = str(exc)
        time.sleep(0.3)
    raise AssertionError(f"/health never answered 200; last answer: {last}")


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _spawn(args: list[str], environment: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_it_serves_health_in_embedded_mode(tmp_path):
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environment.update({"DATA_DIR": str(tmp_path), "ADMIN_PASSWORD": "a-long-admin-password"})
    serve = _spawn(
        [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
        environment,
    )
    try:
        body = _wait_for_health(port, [serve])
        assert body["status"] == "ok"
        assert (tmp_path / "gamedjinn.sqlite3").exists()
    finally:
        _stop([serve])


@pytest.mark.postgres
@pytest.mark.redis
def test_it_serves_health_in_production_mode_with_a_separate_worker_and_beat(tmp_path):
    import psycopg

    database = f"gamedjinn_serve_{os.getpid()}"
    admin_url = urlsplit(os.environ["DATABASE_URL"])
    maintenance = urlunsplit(admin_url._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        connection.execute(f'CREATE DATABASE "{database}"')
    port = _free_port()
    environment = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": urlunsplit(admin_url._replace(path=f"/{database}")),
        "ADMIN_PASSWORD": "a-long-admin-password",
    }
    # As compose's migrate service does first: beat's scheduler cannot start on an empty database.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=120,
    )
    processes = [
        _spawn(
            [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
            environment,
        )
    ]
    try:
        processes.append(
            _spawn(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "gamedjinn",
                    "worker",
                    "--pool=solo",
                    "--loglevel=warning",
                ],
                environment,
            )
        )
        processes.append(
            _spawn(
                [sys.executable, "-m", "celery", "-A", "gamedjinn", "beat", "--loglevel=warning"],
                environment,
            )
        )
        body = _wait_for_health(port, processes, timeout=90)
        assert body["status"] == "ok"
    finally:
        _stop(processes)
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
