"""`make bench`: run every benchmarks/bench_*.py on each database engine and write docs/benchmarks.md.

Each bench module is a script: run as `python -m benchmarks.bench_x`, it sets Django up against
the engine chosen by the environment (DATABASE_URL unset → SQLite), creates its own test database,
measures, and prints a Markdown section on stdout. This harness runs each module in a fresh process
per engine (settings are process-wide) and assembles the report.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gamedjinn_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.node() or 'host'}: {os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def _cpu_probe() -> float:
    """Milliseconds for a fixed pure-Python loop, best of 3: how fast this machine was when it
    ran (virtual machines vary by tens of percent from hour to hour; compare runs by it)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(2_000_000))
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _engines() -> dict[str, dict[str, str]]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return {
        "SQLite (embedded)": base,
        "PostgreSQL + Redis": {**base, "DATABASE_URL": POSTGRES_URL, "REDIS_URL": REDIS_URL},
    }


def main(argv: list[str]) -> int:
    only = set(argv)
    modules = sorted(
        p.stem for p in (ROOT / "benchmarks").glob("bench_*.py") if not only or p.stem in only
    )
    sections = []
    failures = 0
    probe_before = _cpu_probe()
    for module in modules:
        for engine, environment in _engines().items():
            started = time.monotonic()
            print(f"== {module} on {engine}", file=sys.stderr, flush=True)
            result = subprocess.run(
                [sys.executable, "-m", f"benchmarks.{module}"],
                cwd=ROOT,
                env={**environment, "BENCH_ENGINE": engine},
                capture_output=True,
                text=True,
            )
            took = time.monotonic() - started
            body = result.stdout.strip()
            if result.returncode != 0:
                failures += 1
                if body:
                    # The module measured, then exited non-zero: a target was missed (the table says which).
                    sections.append(
                        body
                        + f"\n\n_(exit {result.returncode}: a target above was missed; run took {took:.0f} s)_\n"
                    )
                else:
                    sections.append(
                        f"### {module} on {engine}\n\nFAILED (exit {result.returncode}):\n\n```\n{result.stderr[-3000:]}\n```\n"
                    )
            elif body:
                sections.append(body + f"\n\n_(run took {took:.0f} s)_\n")
            sys.stderr.write(result.stderr[-2000:] if result.returncode else "")
    report = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m benchmarks`); do not edit by hand.",
        "",
        f"- Machine: {_machine()}",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- CPU probe (a fixed pure-Python loop, lower is faster): {probe_before:.0f} ms before, "
        f"{_cpu_probe():.0f} ms after",
        "- Command: `make bench`",
        "",
        *sections,
    ]
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(report) + "\n")
    print(
        f"Wrote docs/benchmarks.md ({len(sections)} sections, {failures} failed)", file=sys.stderr
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
