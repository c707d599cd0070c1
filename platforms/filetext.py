"""Reading text files other programs wrote: CSV with a header, JSON, loose dates, stable ids.

Shared by the file sources (Playnite, Grouvee, any CSV, our own export). Files are streamed: a
100 MB file of junk fails on its first bad bytes or its first oversized cell, not after being read
into memory. A row that cannot be read is reported with its line number and the others still
count; a file that cannot be read at all raises UnreadableFile with one sentence.
Nothing here imports Django.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from platforms.errors import UnreadableFile

# A CSV cell longer than this is not a game's field: the file is not what it claims to be.
MAX_CELL = 100_000
# Bytes looked at to tell a text file from a binary one.
SNIFF_BYTES = 4096
NONE_WORDS = frozenset({"", "none", "null", "n/a", "-"})


class RowError(ValueError):
    """One row cannot be read; the message says why, without the line number."""


@dataclass(frozen=True)
class CsvRow:
    line: int  # the file's line the row starts on (the header is line 1)
    cells: dict[str, str]  # by the header's own column names, stripped


def sniff_text(path: Path, what: str) -> bytes:
    """The file's first bytes, after checking it is UTF-8 text (with or without a BOM)."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip():
        raise UnreadableFile(f"The {what} file is empty.")
    if b"\x00" in head:
        raise UnreadableFile(f"This is not a {what} file: it is not text.")
    try:
        # A multi-byte character may be cut at the end of the sample.
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(head) < SNIFF_BYTES or exc.start < len(head) - 4:
            raise UnreadableFile(
                f"The {what} file is not UTF-8 text; save it again as UTF-8."
            ) from None
    return head.removeprefix(b"\xef\xbb\xbf")


def open_text(path: Path) -> IO[str]:
    return open(path, encoding="utf-8-sig", newline="")


def read_csv(path: Path, what: str) -> tuple[list[str], Iterator[CsvRow]]:
    """The header (stripped column names) and the rows, streamed. Raises UnreadableFile for a
    file that is not CSV text with a header; the iterator raises it for a fault found later."""
    sniff_text(path, what)
    handle = open_text(path)
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(handle)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        handle.close()
        raise UnreadableFile(f"The {what} file is empty.") from None
    except UnicodeDecodeError:
        handle.close()
        raise UnreadableFile(
            f"The {what} file is not UTF-8 text; save it again as UTF-8."
        ) from None
    except csv.Error:
        handle.close()
        raise UnreadableFile(
            f"This is not a {what} file: its first line is not a header."
        ) from None
    if len(header) < 2 or not all(header) or len(set(header)) != len(header):
        handle.close()
        raise UnreadableFile(
            f"This is not a {what} file: its first line is not a header of column names."
        )
    return header, _rows(handle, reader, header, what)


def _rows(handle: IO[str], reader: Any, header: list[str], what: str) -> Iterator[CsvRow]:
    with handle:
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise UnreadableFile(
                    f"The {what} file is not UTF-8 text after line {start - 1}; "
                    "save it again as UTF-8."
                ) from None
            except csv.Error as exc:
                raise UnreadableFile(
                    f"The {what} file cannot be read past line {start - 1} ({exc})."
                ) from None
            line, start = start, reader.line_num + 1
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != len(header):
                yield CsvRow(
                    line, {"\x00error": f"{len(cells)} cells where the header has {len(header)}"}
                )
                continue
            yield CsvRow(
                line, {name: value.strip() for name, value in zip(header, cells, strict=True)}
            )


def row_error(row: CsvRow) -> str | None:
    return row.cells.get("\x00error")


def column_key(name: str) -> str:
    """A header name reduced for matching: 'Time Played' → 'timeplayed'."""
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def find_columns(header: list[str], aliases: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Our field → the header's column, where one of the field's aliases names it."""
    by_key = {column_key(name): name for name in header}
    found: dict[str, str] = {}
    for field_name, names in aliases.items():
        for alias in names:
            column = by_key.get(column_key(alias))
            if column is not None and column not in found.values():
                found[field_name] = column
                break
    return found


def is_none(value: str | None) -> bool:
    return value is None or value.strip().casefold() in NONE_WORDS


_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y",
    "%Y/%m/%d",
)


def parse_datetime(value: str | None) -> datetime | None:
    """A date or time in the forms exports use (ISO 8601, US and European), as UTC; None for an
    empty cell or "None". Raises RowError for text that is no date."""
    if is_none(value):
        return None
    text = str(value).strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = _slashed(text)
    if parsed is None:
        for form in _FORMATS:
            try:
                parsed = datetime.strptime(text, form)
                break
            except ValueError:
                continue
    if parsed is None:
        raise RowError(f"{text[:40]!r} is not a date")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# "3/14/2024 8:30:00 PM" (an English Windows' default), parsed without strptime's slow path.
_SLASHED = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
)


def _slashed(text: str) -> datetime | None:
    found = _SLASHED.fullmatch(text)
    if found is None:
        return None
    month, day, year, hour, minute, second, half = found.groups()
    hours = int(hour or 0)
    if half:
        hours = hours % 12 + (12 if half.casefold() == "pm" else 0)
    try:
        return datetime(int(year), int(month), int(day), hours, int(minute or 0), int(second or 0))
    except ValueError:
        return None


def parse_date(value: str | None) -> date | None:
    moment = parse_datetime(value)
    return moment.date() if moment else None


def parse_int(value: str | None, what: str) -> int | None:
    if is_none(value):
        return None
    text = str(value).strip().replace(",", "")
    try:
        return int(float(text))
    except ValueError:
        raise RowError(f"{what} {text[:20]!r} is not a number") from None


def parse_bool(value: str | None) -> bool:
    return str(value or "").strip().casefold() in {"true", "yes", "1", "y", "x"}


def slug(text: str) -> str:
    """A lowercase ASCII slug: 'Nintendo Switch' → 'nintendo-switch'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")


def stable_id(*parts: str, limit: int = 64) -> str:
    """A readable id that is the same for the same parts on every import, within LIMIT chars:
    'switch:zelda-breath-of-the-wild'. A title too long (or with no ASCII) gets a short hash."""
    prefix, *rest = [slug(part) or "x" for part in parts]
    body = "-".join(rest)
    full = f"{prefix}:{body}" if rest else prefix
    if len(full) <= limit and all(slug(part) for part in parts):
        return full
    digest = hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:10]
    return f"{full[: limit - 11]}~{digest}"
