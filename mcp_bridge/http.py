"""The MCP server over streamable HTTP, with the checks the spec asks of a networked server.

Every request, in this order:
1. Host and Origin against PUBLIC_URL plus loopback (the SDK's TransportSecuritySettings):
   a foreign Host gets 421, a foreign Origin 403 (DNS-rebinding protection);
2. an API key (`Authorization: Bearer <key>` or `X-API-Key: <key>`), else 401 with a JSON error;
   only `GET /health` (status only, no details, for the container's probe) needs none.
   The key's owner is put in the ASGI scope for the tools; the key is checked on every request,
   so an MCP session never stands in for authentication;
3. the key's request budget (API_RATE_LIMIT, shared with the REST API), else 429 with
   Retry-After;
4. an MCP session may only be used by the user who opened it (404 otherwise, as for an unknown one).
Sessions themselves (id on initialize, 400 without one, 404 for an unknown one) are the SDK's.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import anyio.to_thread
from django.conf import settings
from mcp.server.fastmcp import FastMCP
from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gamedjinn import health
from gamedjinn.budgets import key_client, over_budget_message, spend
from mcp_bridge.keys import authenticate_key, presented_key
from mcp_bridge.orm import orm
from mcp_bridge.server import SCOPE_KEY

logger = logging.getLogger(__name__)

SESSION_HEADER = "mcp-session-id"
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
REMEMBERED_SESSIONS = 10_000


def transport_security() -> TransportSecuritySettings:
    """Hosts from ALLOWED_HOSTS (PUBLIC_URL's host, loopback, EXTRA_ALLOWED_HOSTS) on any port;
    origins: PUBLIC_URL's and loopback's."""
    hosts = [
        value for host in settings.ALLOWED_HOSTS for value in (host, f"{host}:*") if host != "*"
    ]
    origins = [settings.PUBLIC_ORIGIN] + [
        f"{scheme}://{host}{port}"
        for scheme in ("http", "https")
        for host in LOOPBACK
        for port in ("", ":*")
    ]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )


def http_app(server: FastMCP) -> ASGIApp:
    """The ASGI app serving SERVER at /mcp behind the checks above."""
    return McpGate(server.streamable_http_app(), transport_security())


class McpGate:
    def __init__(self, app: ASGIApp, security: TransportSecuritySettings) -> None:
        self.app = app
        self.security = TransportSecurityMiddleware(security)
        self.session_owners: OrderedDict[str, int] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refused = await self.security.validate_request(request, is_post=False)
        if refused is not None:
            await refused(scope, receive, send)
            return
        if scope["path"] == "/health" and request.method == "GET":
            await _health(scope, receive, send)
            return
        owner = await orm(authenticate_key, presented_key(request.headers))
        if owner is None:
            logger.info("MCP request without a valid key from %s", _client(request))
            await _unauthorized(scope, receive, send)
            return
        retry_after = await anyio.to_thread.run_sync(spend, key_client(owner.prefix))
        if retry_after is not None:
            logger.info("MCP key %s… over its request budget", owner.prefix)
            await _over_budget(scope, receive, send, retry_after)
            return
        session_id = request.headers.get(SESSION_HEADER)
        if session_id and self.session_owners.get(session_id, owner.user.pk) != owner.user.pk:
            logger.warning("MCP session used by another user from %s", _client(request))
            await _session_not_found(scope, receive, send)
            return
        scope[SCOPE_KEY] = owner
        await self.app(scope, receive, self._remembering_sessions(send, owner.user.pk, request))

    def _remembering_sessions(self, send: Send, user_pk: int, request: Request) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._note_session(message, user_pk, request)
            await send(message)

        return wrapped

    def _note_session(self, message: Message, user_pk: int, request: Request) -> None:
        status = message["status"]
        if request.method == "DELETE" and status < 300:
            self.session_owners.pop(request.headers.get(SESSION_HEADER, ""), None)
            return
        for name, value in message.get("headers", []):
            if name.decode("latin-1").lower() == SESSION_HEADER and status < 300:
                self.session_owners[value.decode("latin-1")] = user_pk
                while len(self.session_owners) > REMEMBERED_SESSIONS:
                    self.session_owners.popitem(last=False)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _unauthorized(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        {
            "error": "unauthorized",
            "message": "Send a Game Djinn API key as 'Authorization: Bearer <key>' or "
            "'X-API-Key: <key>'. Create one under Settings → API keys.",
        },
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="Game Djinn MCP"'},
    )
    await response(scope, receive, send)


async def _over_budget(scope: Scope, receive: Receive, send: Send, retry_after: int) -> None:
    response = JSONResponse(
        {"error": "rate_limited", "message": over_budget_message(retry_after)},
        status_code=429,
        headers={"Retry-After": str(retry_after)},
    )
    await response(scope, receive, send)


# What this process needs to answer tools; the worker and beat have probes of their own, and a
# restart of the MCP server would not bring them back.
HEALTH_CHECKS = ("database", "migrations")


async def _health(scope: Scope, receive: Receive, send: Send) -> None:
    healthy, checks = await orm(health.run_checks, HEALTH_CHECKS)
    response = JSONResponse(
        {
            "status": "ok" if healthy else "error",
            "checks": {name: {"status": result["status"]} for name, result in checks.items()},
        },
        status_code=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )
    await response(scope, receive, send)


async def _session_not_found(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        {"jsonrpc": "2.0", "id": None, "error": {"code": -32001, "message": "Session not found"}},
        status_code=404,
    )
    await response(scope, receive, send)
