"""Under CI=true a missing PostgreSQL or Redis fails the run; on a laptop it is skipped, loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests import needs

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # port 1: nothing listens there
A_REDIS_TEST = "tests/platforms/test_ratelimit_redis.py::test_it_expires_its_keys_so_idle_limiters_leave_nothing_behind"


@pytest.fixture(autouse=True)
def _own_skip_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(needs, "skipped", [])


def test_it_fails_a_redis_test_under_ci_when_redis_url_is_unset(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(pytest.fail.Exception, match="REDIS_URL is not set; CI=true"):
        needs.redis_url()


def test_it_fails_a_redis_test_under_ci_when_redis_does_not_answer(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("REDIS_URL", UNREACHABLE_REDIS)
    with pytest.raises(pytest.fail.Exception, match="ConnectionError"):
        needs.redis_url()


def test_it_fails_a_postgres_test_under_ci_on_sqlite(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    with pytest.raises(pytest.fail.Exception, match="needs PostgreSQL"):
        needs.postgres()


def test_it_skips_on_a_laptop_and_remembers_why(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("REDIS_URL", UNREACHABLE_REDIS)
    with pytest.raises(pytest.skip.Exception):
        needs.redis_url()
    assert needs.skipped == ["needs Redis: ConnectionError from the Redis at REDIS_URL"]


def _pytest_without_services(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CI")
    }
    environment |= {"DATA_DIR": str(tmp_path), **extra}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", A_REDIS_TEST],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_says_so_in_the_summary_line_when_a_run_skips_them(tmp_path):
    finished = _pytest_without_services(tmp_path)
    assert finished.returncode == 0, finished.stdout[-2000:]
    assert "1 skipped" in finished.stdout
    assert "WARNING: 1 tests needing PostgreSQL or Redis SKIPPED" in finished.stdout


def test_it_fails_the_run_under_ci(tmp_path):
    finished = _pytest_without_services(tmp_path, CI="true")
    assert finished.returncode == 1, finished.stdout[-2000:]
    assert "1 error" in finished.stdout
    assert "REDIS_URL is not set; CI=true, so this test must not be skipped" in finished.stdout


def _make_production_env(**extra: str) -> subprocess.CompletedProcess[str]:
    # production-env has no prerequisites: it checks the environment and never builds the venv.
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CI")
    }
    return subprocess.run(
        ["make", "-s", "--no-print-directory", "production-env"],
        cwd=ROOT,
        env=environment | extra,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_it_fails_make_test_under_ci_without_postgres_and_redis():
    finished = _make_production_env(CI="true", DATABASE_URL="postgres://db/gamedjinn")
    assert finished.returncode != 0
    assert "ERROR: the production pass needs DATABASE_URL and REDIS_URL" in finished.stdout


def test_it_lets_make_test_skip_the_production_pass_on_a_laptop_loudly():
    finished = _make_production_env()
    assert finished.returncode == 0
    assert finished.stdout.startswith("WARNING: production pass SKIPPED")


def test_it_lets_make_test_run_the_production_pass_when_both_are_set():
    finished = _make_production_env(
        CI="true", DATABASE_URL="postgres://db/gamedjinn", REDIS_URL="redis://redis:6379/0"
    )
    assert finished.returncode == 0
    assert finished.stdout == ""
