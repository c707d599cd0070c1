"""The Steam key never appears in logs, errors, or the database in plaintext."""

from __future__ import annotations

import logging

from django.db import connection

from libraries.models import SyncRun
from libraries.services.libraries import add_library
from tests.libraries.conftest import run_sync_now


def _database_text() -> str:
    """Every value of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(str(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_it_keeps_the_key_out_of_logs_errors_and_the_database(alice, world, steam, caplog):
    caplog.set_level(logging.DEBUG)
    library = add_library(alice, "steam", {"account": "demo", "api_key": world.api_key})
    good = run_sync_now(library)
    steam.set_rate_limit("store", (3, 3600))
    steam.fail_next(2, 500, "api")  # retried, and logged
    limited = run_sync_now(library, force=True)
    steam.invalid_key = True
    failed = run_sync_now(library, force=True)  # replaces the parked run

    assert (good.status, limited.status, failed.status) == ("succeeded", "rate_limited", "failed")
    assert "rejected the Web API key" in failed.error_message
    assert world.api_key not in caplog.text
    assert caplog.text  # the sync did log, just not the key
    assert not any(world.api_key in (r.error_message or "") for r in SyncRun.objects.all())
    dump = _database_text()
    assert str(library.pk) in dump
    assert world.api_key not in dump
