"""Start a real `manage.py serve` for browser tests and stop it again, and sign a browser in."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, expect

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = {"width": 1280, "height": 800}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(url: str, port: int, data_dir: Path, **settings: str) -> dict[str, str]:
    """This process's environment for a server at URL, embedded (no DATABASE_URL or REDIS_URL),
    with its own DATA_DIR, plus SETTINGS."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return inherited | {
        "DATA_DIR": str(data_dir),
        "PUBLIC_URL": url,
        "WEB_PORT": str(port),
        **settings,
    }


@contextmanager
def signed_in(browser: Browser, url: str, username: str, password: str) -> Iterator[Page]:
    """A desktop page of a new browser context, signed in through the real login form."""
    context = browser.new_context(base_url=url, viewport=DESKTOP)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{url}/")
    try:
        yield page
    finally:
        context.close()


@contextmanager
def serving(
    url: str, port: int, environment: dict[str, str], log_path: Path, *extra: str
) -> Iterator[None]:
    """Run the server on PORT with ENVIRONMENT, logging to LOG_PATH, until /health answers."""
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "serve",
                *extra,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"the server exited with {process.returncode}; see {log_path}"
                    )
                try:
                    if httpx.get(f"{url}/health", timeout=2).status_code in (200, 503):
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer within 90 s; see {log_path}")
                time.sleep(0.25)  # polling for readiness, not standing in for work
            yield
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
