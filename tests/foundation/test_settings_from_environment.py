"""Settings come from the environment only and fail loudly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from gamedjinn import env, secrets_store

ROOT = Path(__file__).resolve().parents[2]


def _start(tmp_path, **overrides) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    }
    environment.update({"DATA_DIR": str(tmp_path), **overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_stops_start_up_on_a_bad_rate_limit_and_names_the_variable(tmp_path):
    result = _start(tmp_path, STEAM_API_RATE_LIMIT="abc")
    assert result.returncode != 0
    assert "STEAM_API_RATE_LIMIT='abc' is not a rate limit" in result.stderr


def test_it_refuses_the_seed_placeholder_secret(tmp_path):
    result = _start(tmp_path, SECRET_KEY="generate-with-openssl-rand-hex-32")
    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder" in result.stderr


def test_it_rejects_a_bad_boolean_and_a_bad_port(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env.env_bool("DEBUG", False)
    monkeypatch.setenv("WEB_PORT", "99999")
    with pytest.raises(ImproperlyConfigured, match="WEB_PORT=99999 is above the maximum"):
        env.env_int("WEB_PORT", 8000, maximum=65535)


def test_it_parses_rate_limits_and_urls(monkeypatch):
    monkeypatch.setenv("STEAM_STORE_RATE_LIMIT", "50/1")
    assert env.env_rate_limit("STEAM_STORE_RATE_LIMIT", "200/300") == (50, 1)
    monkeypatch.setenv("OLLAMA_URL", "ollama:11434")
    with pytest.raises(ImproperlyConfigured, match="OLLAMA_URL"):
        env.env_url("OLLAMA_URL", "")


def test_it_reads_docker_secret_files(monkeypatch, tmp_path):
    secret_file = tmp_path / "key"
    secret_file.write_text("from-a-file\n")
    monkeypatch.setenv("STEAM_API_KEY_FILE", str(secret_file))
    assert env.env_str("STEAM_API_KEY") == "from-a-file"


def test_it_generates_the_secret_key_once_and_reuses_it(tmp_path):
    first = secrets_store.secret_key(None, tmp_path)
    second = secrets_store.secret_key(None, tmp_path)
    assert first == second
    assert len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_it_derives_hosts_and_origins_from_public_url(tmp_path):
    code = "from django.conf import settings; print(settings.ALLOWED_HOSTS, settings.CSRF_TRUSTED_ORIGINS)"
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environment.update({"DATA_DIR": str(tmp_path), "PUBLIC_URL": "https://games.example.net"})
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert "games.example.net" in result.stdout
    assert "['https://games.example.net']" in result.stdout


@pytest.mark.parametrize("public_url", ["http://gamedjinn.lan:8000", "https://games.example.net"])
def test_it_passes_the_deployment_checklist(tmp_path, public_url):
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environment.update({"DATA_DIR": str(tmp_path), "PUBLIC_URL": public_url, "DEBUG": "false"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
