"""Ollama in one place: the LangChain chat model, a status probe, and what each failure means.

Everything that knows Ollama's URL, timeouts and error shapes lives here (docs/wire-formats.md,
"Ollama"), so the chat service, the settings page, `/health` and `manage.py ask` agree on them.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from weakref import WeakKeyDictionary

import httpx
from django.conf import settings
from langchain_ollama import ChatOllama
from ollama import ResponseError

ANSWER_TOKENS = 1536  # num_predict: an answer longer than this ends with done_reason "length"
CONNECT_TIMEOUT = 5.0
PROBE_TIMEOUT = 2.0
# 0.9 separates thinking from content and streams tool calls; older servers mangle both.
MIN_VERSION = (0, 9, 0)

# httpx builds a fresh TLS context for every client it creates (~10 ms of CPU); ChatOllama makes two
# clients per instance. Build it once.
_TLS = ssl.create_default_context()


# One chat model per event loop and configuration: building one makes two HTTP clients (~2 ms),
# and its async client belongs to the loop it first ran on.
_MODELS: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple, ChatOllama]] = WeakKeyDictionary()


def chat_model(model: str) -> ChatOllama:
    """The chat model for MODEL, configured from settings."""
    key = (
        model,
        settings.OLLAMA_URL,
        settings.OLLAMA_TIMEOUT,
        settings.OLLAMA_CONTEXT_TOKENS,
        settings.OLLAMA_KEEP_ALIVE,
    )
    try:
        models = _MODELS.setdefault(asyncio.get_running_loop(), {})
    except RuntimeError:  # no loop: a synchronous caller gets a fresh one
        return _build(model)
    if key not in models:
        models[key] = _build(model)
    return models[key]


def _build(model: str) -> ChatOllama:
    return ChatOllama(
        base_url=settings.OLLAMA_URL,
        model=model,
        # Thinking off: a hidden chain of thought would delay the first visible token by many
        # seconds and eat the answer's token budget. `think: false` is accepted by every model;
        # only `think: true` is refused by models that cannot think.
        reasoning=False,
        temperature=0.2,
        num_ctx=settings.OLLAMA_CONTEXT_TOKENS,
        num_predict=ANSWER_TOKENS,
        keep_alive=settings.OLLAMA_KEEP_ALIVE,
        # connect: fail fast when Ollama is down; read: the longest silence we accept between two
        # streamed lines (loading a model from disk is the slow case). No keep-alive: ChatOllama
        # never closes its clients, so a kept connection would linger until garbage collection.
        client_kwargs={
            "timeout": httpx.Timeout(settings.OLLAMA_TIMEOUT, connect=CONNECT_TIMEOUT),
            "limits": httpx.Limits(max_keepalive_connections=0),
            "verify": _TLS,
        },
    )


def display_url(url: str | None = None) -> str:
    """OLLAMA_URL without any user:password part, for messages and pages."""
    parts = urlsplit(url or settings.OLLAMA_URL)
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


# --- Tool schemas ----------------------------------------------------------------------------------


def fit_tool_schema(tool: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI-format tool schema reshaped for what reaches Ollama.

    The ollama client validates each tool through its pydantic `Tool` model, which keeps only
    `type`, `items`, `description` and `enum` of a parameter: an optional parameter (`anyOf` with
    null), a nested object's fields, ranges and defaults would vanish, and the model would never
    see, say, the allowed values of `status_filter`. Here optional parameters become their
    non-null type, the rest is said in the description, and only what the client keeps is left
    (so the context budget counts what the model really reads)."""
    parameters = tool["function"].get("parameters") or {}
    properties = {
        name: _fit_property(prop) for name, prop in (parameters.get("properties") or {}).items()
    }
    function = {**tool["function"], "parameters": {**parameters, "properties": properties}}
    return {**tool, "function": function}


_KEPT = ("type", "items", "description", "enum")  # all that ollama's Tool model keeps


def _fit_property(prop: dict[str, Any]) -> dict[str, Any]:
    prop = dict(prop)
    alternatives = [a for a in prop.pop("anyOf", []) if a.get("type") != "null"]
    if len(alternatives) == 1:
        prop = {**alternatives[0], **prop}
    notes = [prop.get("description", "")]
    if prop.get("type") == "object" and prop.get("properties"):
        fields = "; ".join(
            _field(name, _fit_property(sub)) for name, sub in prop["properties"].items()
        )
        notes.append(f"An object with: {fields}.")
    if "minimum" in prop and "maximum" in prop:
        notes.append(f"From {prop['minimum']} to {prop['maximum']}.")
    elif "minimum" in prop:
        notes.append(f"At least {prop['minimum']}.")
    elif "maximum" in prop:
        notes.append(f"At most {prop['maximum']}.")
    if prop.get("default") not in (None, "", [], {}):
        notes.append(f"Default: {json.dumps(prop['default'])}.")
    prop["description"] = " ".join(note for note in notes if note)
    return {key: prop[key] for key in _KEPT if prop.get(key) not in (None, "")}


def _field(name: str, prop: dict[str, Any]) -> str:
    kind = prop.get("type", "any")
    if prop.get("enum"):
        kind += ", one of " + "/".join(str(value) for value in prop["enum"])
    return (
        f"{name} ({kind}): {prop['description']}" if prop.get("description") else f"{name} ({kind})"
    )


# --- What went wrong ---------------------------------------------------------------------------------


class OllamaError(Exception):
    """A failure the user can act on. `code` is stable (stored, tested); `message` names the fix."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _version_tuple(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("-")[0].split(".")[:3])
    except ValueError:
        return ()


def truncated(model: str) -> OllamaError:
    return OllamaError(
        "truncated",
        f"The answer was cut off: {model} reached its length limit ({ANSWER_TOKENS} tokens). "
        "Ask me to continue, or ask a narrower question.",
    )


def explain(exc: BaseException, *, model: str) -> OllamaError | None:
    """Translate an exception from the Ollama client into what the user should read, or None."""
    url = display_url()
    # The ollama client turns httpx.ConnectError into a bare ConnectionError on non-streamed calls.
    if type(exc) is ConnectionError or isinstance(
        exc, httpx.ConnectTimeout | httpx.ConnectError | ConnectionRefusedError
    ):
        return OllamaError(
            "unreachable",
            f"Can't reach Ollama at {url}. Start it (`ollama serve`) on that machine, or set "
            "OLLAMA_URL to where it runs. The rest of Game Djinn keeps working meanwhile.",
        )
    if isinstance(exc, httpx.TimeoutException):
        return OllamaError(
            "timeout",
            f"Ollama at {url} went silent for more than {settings.OLLAMA_TIMEOUT:.0f} s. The model "
            "may still be loading or the machine is too slow for it: try again, pick a smaller "
            "model, or raise OLLAMA_TIMEOUT.",
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | ConnectionError):
        return OllamaError(
            "connection_lost",
            f"The connection to Ollama at {url} broke off mid-answer. Try again; if it keeps "
            "happening, check the Ollama server's log (it may have crashed or run out of memory).",
        )
    if not isinstance(exc, ResponseError):
        return None
    detail = str(exc.error)[:300]
    status = exc.status_code
    if status == 404 and "not found" in detail and "model" in detail:
        return OllamaError(
            "model_missing",
            f"The model {model} is not installed on Ollama at {url}. Run `ollama pull {model}` "
            "there, or pick an installed model.",
        )
    if status == 400 and "does not support tools" in detail:
        return OllamaError(
            "no_tools",
            f"The model {model} cannot call tools, and the assistant needs them to read your "
            f"library. Pick a tool-capable model, e.g. `ollama pull {settings.OLLAMA_MODEL}`.",
        )
    if status == 503:
        return OllamaError(
            "busy",
            f"Ollama at {url} is busy (its request queue is full). Try again in a moment; "
            "a server shared by many users can raise OLLAMA_MAX_QUEUE or OLLAMA_NUM_PARALLEL.",
        )
    if status == -1:  # an {"error": …} line in the middle of an HTTP 200 stream
        return OllamaError(
            "model_error",
            f"Ollama stopped with an error while answering: “{detail}”. Try again; if it "
            "persists, check the Ollama server's log (often the model ran out of memory; a "
            "smaller model or a smaller OLLAMA_CONTEXT_TOKENS helps).",
        )
    if status == 404:
        return OllamaError(
            "not_ollama",
            f"{url} answered 404: is OLLAMA_URL the address of an Ollama server?",
        )
    return OllamaError(
        "ollama_error", f"Ollama at {url} refused the request (HTTP {status}): “{detail}”."
    )


# --- Status probe -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstalledModel:
    name: str
    size: int
    parameter_size: str = ""
    quantization: str = ""
    family: str = ""

    @property
    def size_label(self) -> str:
        return f"{self.size / 1e9:.1f} GB" if self.size >= 1e8 else f"{self.size / 1e6:.0f} MB"


@dataclass(frozen=True)
class OllamaStatus:
    url: str
    reachable: bool
    version: str = ""
    models: tuple[InstalledModel, ...] = ()
    error: str = ""

    @property
    def outdated(self) -> bool:
        version = _version_tuple(self.version)
        return bool(version) and version < MIN_VERSION

    def has(self, model: str) -> bool:
        return any(m.name in (model, f"{model}:latest") for m in self.models)

    def as_dict(self) -> dict:
        return {
            "url": self.url,
            "reachable": self.reachable,
            "version": self.version,
            "outdated": self.outdated,
            "error": self.error,
            "default_model": settings.OLLAMA_MODEL,
            "models": [
                {
                    "name": m.name,
                    "size": m.size,
                    "size_label": m.size_label,
                    "parameter_size": m.parameter_size,
                    "quantization": m.quantization,
                }
                for m in self.models
            ],
        }


def probe(*, with_models: bool = True, timeout: float = PROBE_TIMEOUT) -> OllamaStatus:
    """Ask Ollama for its version (and installed models). Never raises."""
    url = display_url()
    try:
        with httpx.Client(base_url=settings.OLLAMA_URL, timeout=timeout, verify=_TLS) as client:
            version = client.get("/api/version")
            version.raise_for_status()
            models: tuple[InstalledModel, ...] = ()
            if with_models:
                tags = client.get("/api/tags")
                tags.raise_for_status()
                models = tuple(
                    InstalledModel(
                        name=entry["name"],
                        size=int(entry.get("size") or 0),
                        parameter_size=entry.get("details", {}).get("parameter_size", ""),
                        quantization=entry.get("details", {}).get("quantization_level", ""),
                        family=entry.get("details", {}).get("family", ""),
                    )
                    for entry in tags.json().get("models", [])
                )
            return OllamaStatus(
                url=url,
                reachable=True,
                version=str(version.json().get("version", "")),
                models=tuple(sorted(models, key=lambda m: m.name)),
            )
    except httpx.HTTPError as exc:
        reason = "not reachable" if isinstance(exc, httpx.TransportError) else str(exc)
        return OllamaStatus(url=url, reachable=False, error=f"{type(exc).__name__}: {reason}")
    except (ValueError, KeyError, TypeError) as exc:
        return OllamaStatus(
            url=url, reachable=False, error=f"not an Ollama answer ({type(exc).__name__})"
        )
