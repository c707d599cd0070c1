"""docs/stores.md is generated from the stores' specs: a new store folder documents itself."""

from __future__ import annotations

from platforms.docs import DOC_PATH, render
from platforms.registry import integrations_by_code


def test_it_matches_the_store_folders():
    assert DOC_PATH.read_text() == render(), "docs/stores.md is out of date: run storedocs"


def test_every_store_has_a_section_with_its_fields_and_help():
    document = render()
    for spec in integrations_by_code().values():
        assert f"## {spec.name} (`{spec.code}`)" in document
        for field in spec.fields:
            assert f"| `{field.name}` |" in document
        for step in spec.help:
            assert step.title in document
