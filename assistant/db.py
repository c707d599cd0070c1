"""Database work from the assistant's async code (the chat consumer and the chat service)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import connection

P = ParamSpec("P")
R = TypeVar("R")


def in_db_thread(fn: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Run FN in Django's one thread for synchronous code, keeping its connection between calls.

    channels' database_sync_to_async closes the connection around every call once it is older than
    CONN_MAX_AGE — with our 0, always — so each of a chat turn's database calls would open a new
    PostgreSQL connection (2 to 10 ms each). Django's own async ORM (`aget`, `acreate`) keeps it, as
    this does; a connection that has failed is dropped before the next call, and a turn's last
    call hands it back (`release_connection`).
    """

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.errors_occurred and not connection.in_atomic_block:
            connection.close()
        return fn(*args, **kwargs)

    return sync_to_async(run, thread_sensitive=True)


def release_connection() -> None:
    """Close this thread's connection (in the database thread, at the end of a chat turn), so it
    is not held open while the user reads the answer."""
    if not connection.in_atomic_block:
        connection.close()
