"""`manage.py runmcp`: the MCP server over stdio (default) or streamable HTTP.

stdio: stdout carries only the protocol; everything else (banner, logs) goes to stderr. The tools
see the library of --user, by default the first admin.
http: streamable HTTP at /mcp on --host (127.0.0.1 unless you say otherwise) and --port
(MCP_PORT); each request is authenticated by its API key (see mcp_bridge.http).
"""

from __future__ import annotations

import contextlib
import logging

import anyio
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, connections

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the Game Djinn MCP server over stdio (default) or streamable HTTP."
    # System checks cost start-up time and the web process runs them anyway.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--transport", choices=("stdio", "http"), default="stdio")
        parser.add_argument(
            "--host", default="127.0.0.1", help="HTTP only. Use 0.0.0.0 in a container."
        )
        parser.add_argument("--port", type=int, default=None, help="HTTP only; default MCP_PORT.")
        parser.add_argument(
            "--user",
            default=None,
            help="stdio only: whose library the tools see (default: the first admin).",
        )

    def handle(
        self, *args, transport: str, host: str, port: int | None, user: str | None, **options
    ):
        _keep_connections()
        _refresh_statistics()
        if settings.LOG_LEVEL != "DEBUG":  # the SDK logs every request at INFO
            logging.getLogger("mcp.server.lowlevel.server").setLevel(logging.WARNING)
        if transport == "stdio":
            self._stdio(user)
        else:
            if user:
                raise CommandError("--user is for stdio; over HTTP each API key decides the user.")
            self._http(host, port)

    def _stdio(self, username: str | None) -> None:
        from mcp_bridge.server import build_server

        owner = _stdio_user(username)
        self.stderr.write(f"Game Djinn MCP on stdio, serving {owner.get_username()}'s library.")
        with contextlib.suppress(KeyboardInterrupt):
            anyio.run(build_server(user=owner).run_stdio_async)

    def _http(self, host: str, port: int | None) -> None:
        import uvicorn

        from mcp_bridge.http import http_app, transport_security
        from mcp_bridge.server import build_server

        port = port or settings.MCP_PORT
        server = build_server(transport_security=transport_security())
        self.stderr.write(f"Game Djinn MCP on http://{host}:{port}/mcp (API key required).")
        config = uvicorn.Config(
            http_app(server),
            host=host,
            port=port,
            log_config=None,  # Django's logging: stderr, secrets redacted
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
        uvicorn.Server(config).run()


def _stdio_user(username: str | None):
    users = get_user_model().objects.filter(is_active=True)
    if username:
        found = users.filter(username=username).first()
        if found is None:
            raise CommandError(f"There is no active user called '{username}'.")
        return found
    admin = users.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        raise CommandError(
            "There is no admin yet, so runmcp does not know whose library to serve. Start Game "
            "Djinn once (manage.py serve creates the admin), or pass --user USERNAME."
        )
    return admin


def _keep_connections() -> None:
    """A long-running server makes all its ORM calls on one thread: keep that connection open
    between tool calls (checked before reuse) instead of reconnecting each time. A pooled
    connection (PostgreSQL's DATABASE_POOL_SIZE) is already reused through its pool."""
    for alias in connections:
        database = connections.settings[alias]
        if "pool" not in database.get("OPTIONS", {}):
            database.update(CONN_MAX_AGE=None, CONN_HEALTH_CHECKS=True)


def _refresh_statistics() -> None:
    """SQLite gathers no table statistics by itself, and without them its planner drives a title
    search from the whole library instead of the full-text index (about 4x slower at 10,000
    games). A bounded ANALYZE takes milliseconds. PostgreSQL's autovacuum keeps its own."""
    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")
    except DatabaseError as exc:
        logger.warning("Could not refresh SQLite statistics: %s", exc)
    finally:
        connection.close()  # tool calls use the ORM thread's own connection
