"""docs/mcp.md's tool reference is generated from the tool schemas and must match them."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from mcp_bridge.docs import BEGIN, DOC_PATH, END, render, tool_reference
from tests.mcp.test_tool_schemas import SEED_TOOLS


def test_it_matches_the_tools_the_server_publishes():
    document = DOC_PATH.read_text()
    assert render(document) == document, "docs/mcp.md is out of date: run manage.py mcpdocs"


def test_it_documents_every_tool_and_argument():
    reference = tool_reference()
    for name in SEED_TOOLS:
        assert f"### `{name}`" in reference
    assert "| `limit` | integer, 1 to 100 | `20` |" in reference
    assert "| `rules.metacritic_min` |" in reference


def test_the_check_fails_when_the_reference_is_stale(tmp_path, monkeypatch):
    stale = tmp_path / "mcp.md"
    stale.write_text(f"# MCP\n\n{BEGIN}\n### `old_tool`\n{END}\n")
    monkeypatch.setattr("mcp_bridge.management.commands.mcpdocs.DOC_PATH", stale)
    with pytest.raises(CommandError, match="out of date"):
        call_command("mcpdocs", "--check")
    call_command("mcpdocs")
    assert "old_tool" not in stale.read_text() and "### `search_games`" in stale.read_text()
    call_command("mcpdocs", "--check")
