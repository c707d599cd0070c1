"""The MCP HTTP server answers GET /health without an API key, for the container's probe."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import httpx
import pytest

from tests.mcp import live

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="module")
def health_url(django_db_setup, tmp_path_factory):
    log = tmp_path_factory.mktemp("runmcp-health") / "stderr.log"
    with live.http_server(log) as url:
        yield url.removesuffix("/mcp") + "/health"


def test_it_answers_health_in_json_without_a_key(health_url):
    response = httpx.get(health_url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": {"status": "ok"}, "migrations": {"status": "ok"}},
    }


def test_it_still_refuses_a_foreign_host_and_keyless_tool_calls(health_url):
    assert httpx.get(health_url, headers={"Host": "evil.example"}).status_code == 421
    assert httpx.get(health_url.removesuffix("/health") + "/mcp").status_code == 401


def test_it_passes_the_containers_probe(health_url):
    port = str(urlsplit(health_url).port)
    probe = subprocess.run(
        [sys.executable, "docker/healthcheck.py", port],
        cwd=live.ROOT,
        env=live.server_env(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert probe.returncode == 0, probe.stderr
