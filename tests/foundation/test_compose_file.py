"""docker/compose.yaml describes the production deployment and validates."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker" / "compose.yaml"


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
