"""Log formatting and the redaction every log line passes through."""

from __future__ import annotations

import json
import logging
import re

# Query parameters and headers that carry secrets in the APIs we talk to.
_SECRET_PATTERNS = [
    # OAuth stores (GOG) put the refresh token, the client secret and the one-time sign-in code
    # in the query string too; ``\b`` alone would miss ``refresh_token=`` after the underscore.
    re.compile(
        r"(?i)\b((?:api_?)?key=|access_token=|refresh_token=|client_secret=|token=|code=)"
        r"[^&\s#\"'<>]*"
    ),
    re.compile(r"(?i)(api[_-]?key[\"']?\s*[:=]\s*[\"']?)[^&\s\"',}]+"),
    # Token answers and stored credentials as JSON or a dict's repr.
    re.compile(r"(?i)((?:access|refresh)_token[\"']?\s*[:=]\s*[\"']?)[^&\s\"',}]+"),
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer\s+|basic\s+)?)[^\s\"',}]+"),
    # Epic's sign-in page shows the one-time code as JSON ("authorizationCode": "…"), and its
    # error bodies quote a refused token ("Sorry the OAuth token 'eg1~…' is invalid").
    re.compile(r"(?i)((?:authorization|exchange)_?code[\"']?\s*[:=]\s*[\"']?)[^&\s\"',}]+"),
    re.compile(r"(eg1~)[A-Za-z0-9._~+/=\-]+"),
    re.compile(r"(?i)(password[\"']?\s*[:=]\s*[\"']?)[^&\s\"',}]+"),
    # PlayStation's NPSSO session token: a cookie header, Sony's {"npsso": …} page, a dict.
    re.compile(r"(?i)(npsso[\"']?\s*[:=]\s*[\"']?)[^&;\s\"',}]+"),
]


def redact(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1***", text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites each record's final message so no API key or password reaches a log sink."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            if redact(str(exc)) != str(exc):
                record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            payload["exc"] = record.exc_text
        elif record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
