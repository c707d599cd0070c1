"""docker/compose.yaml describes the production deployment and validates."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker" / "compose.yaml"


def test_it_has_every_service_with_health_gated_dependencies():
    spec = yaml.safe_load(COMPOSE.read_text())
    services = spec["services"]
    assert {"web", "worker", "beat", "mcp", "postgres", "redis", "ollama"} <= set(services)
    assert services["ollama"]["profiles"] == ["ollama"]
    for name in ("web", "worker", "beat", "mcp"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert services[name]["volumes"] == ["gamedjinn-data:/data"]
    assert "8080" in " ".join(services["mcp"]["command"])


def test_it_gives_every_long_running_service_a_health_check():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    probes = {}
    for name, service in services.items():
        if name in ("migrate", "backup"):  # run once and exit
            assert service["healthcheck"] == {"disable": True}
            continue
        healthcheck = service["healthcheck"]
        assert not healthcheck.get("disable"), f"{name}'s health check is disabled"
        assert healthcheck["test"][0] in ("CMD", "CMD-SHELL"), name
        probes[name] = healthcheck["test"][1:]
    assert probes["web"] == ["python", "docker/healthcheck.py"]
    assert probes["mcp"] == ["python", "docker/healthcheck.py", "8080"]
    assert probes["beat"] == ["python", "manage.py", "checkbeat"]
    assert probes["worker"][:5] == ["celery", "-A", "gamedjinn", "inspect", "ping"]
    assert (ROOT / "docker" / "healthcheck.py").exists()
    assert (ROOT / "gamedjinn" / "management" / "commands" / "checkbeat.py").exists()


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose is not installed"
)
def test_it_validates_with_docker_compose():
    result = subprocess.run(
        ["docker-compose", "-f", str(COMPOSE), "--profile", "ollama", "config", "-q"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
