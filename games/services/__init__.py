"""Use-cases over a user's library: one function per use-case, called by every door (pages, REST,
MCP tools, the assistant). Readers start from `games.queries`, so the content-rating cap applies.
"""

from __future__ import annotations

from pydantic import ValidationError


class ServiceError(ValueError):
    """A failure the caller can act on. The message is one sentence meant for the user."""


class NotFound(ServiceError):
    """The thing asked for does not exist for this user (or is above their rating cap)."""


def describe_validation_error(exc: ValidationError, prefix: str = "") -> str:
    """One readable sentence per problem, each naming its field, never echoing the input value
    (which may be a credential)."""
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        location = ".".join(str(part) for part in (prefix, *error["loc"]) if part != "")
        message = error["msg"].removeprefix("Value error, ").rstrip(".")
        problems.append(f"{location}: {message}." if location else f"{message}.")
    return " ".join(problems)
