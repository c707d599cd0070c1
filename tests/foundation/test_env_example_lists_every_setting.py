""".env.example documents exactly the variables the settings read."""

from __future__ import annotations

import re
from pathlib import Path

from platforms.registry import integrations_by_code

ROOT = Path(__file__).resolve().parents[2]


def test_it_documents_every_variable_the_settings_read():
    settings_source = (ROOT / "gamedjinn" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"([A-Z0-9_]+)"', settings_source)) | {
        setting.name for spec in integrations_by_code().values() for setting in spec.settings
    }
    documented = set(
        re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    )
    undocumented = read - documented
    assert not undocumented, f"add to .env.example: {sorted(undocumented)}"
    assert not documented - read, f"not read by settings: {sorted(documented - read)}"
