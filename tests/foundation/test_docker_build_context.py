"""The Docker build context leaves out everything git ignores: data, generated keys, caches."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _patterns(name: str) -> set[str]:
    lines = (line.strip() for line in (ROOT / name).read_text().splitlines())
    return {
        line.removeprefix("**/").strip("/") for line in lines if line and not line.startswith("#")
    }


def test_it_ignores_in_the_build_context_whatever_git_ignores():
    missing = _patterns(".gitignore") - _patterns(".dockerignore")
    assert not missing, f".dockerignore lacks {sorted(missing)}: the image would carry them"


def test_it_keeps_the_demo_data_and_its_generated_secret_key_out_of_the_image():
    assert {"data", ".demo-data", ".test-data", ".env"} <= _patterns(".dockerignore")
