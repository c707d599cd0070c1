"""Helpers for bench modules: Django setup on a throwaway database, percentiles, Markdown tables."""

from __future__ import annotations

import os
import statistics
import tempfile


def setup_django() -> None:
    """Set Django up against a fresh test database of the engine chosen by the environment."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gamedjinn.settings")
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="gamedjinn-bench-"))
    import django

    django.setup()
    from django.test.utils import setup_databases, setup_test_environment

    setup_test_environment()
    setup_databases(verbosity=0, interactive=False)


def engine_name() -> str:
    return os.environ.get("BENCH_ENGINE", "SQLite (embedded)")


def percentile(samples: list[float], pct: float) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[int(pct) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
