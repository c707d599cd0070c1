"""Every Markdown file the code and docs point at is in this repository, so a maintainer can follow it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MENTION = re.compile(r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.md)\b")


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if name.endswith((".py", ".md", ".html", ".yaml"))]


def test_it_points_only_at_markdown_files_that_exist_here():
    documents = {path.relative_to(ROOT).as_posix() for path in ROOT.glob("**/*.md")}
    names = {Path(document).name for document in documents}
    missing = []
    for path in _tracked_text_files():
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for mention in MENTION.findall(line):
                if mention not in documents and mention not in names:
                    missing.append(f"{path.relative_to(ROOT)}:{number}: {mention}")
    assert not missing, "references to files outside the repository:\n" + "\n".join(missing)
