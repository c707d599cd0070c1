"""The one way an async MCP tool (or the HTTP gate) reaches the ORM."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connection


def _db_call(fn, /, *args, **kwargs):
    # Like Django's per-request hygiene: drop a connection that broke or outlived CONN_MAX_AGE.
    # Inside a transaction (a test's) there is nothing to refresh, and closing would lose it.
    if not connection.in_atomic_block:
        close_old_connections()
    return fn(*args, **kwargs)


async def orm(fn, /, *args, **kwargs):
    """Run a synchronous ORM function from an async tool (Django's one thread for sync code)."""
    return await sync_to_async(_db_call, thread_sensitive=True)(fn, *args, **kwargs)
