"""The `id` path converter: a row id in a URL, for pages and REST alike (`<id:game_id>`,
`{id:game_id}`).

Django's `int` converter takes any number of digits, and a number wider than the databases'
64-bit integers made the query fail with a server error. An `id` is a positive integer that fits,
so an absurd one is a 404 like any unknown id.
"""

from __future__ import annotations

# The widest integers SQLite and PostgreSQL (bigint) store.
MAX_STORED_INT = 2**63 - 1
MIN_STORED_INT = -(2**63)


def row_id(value: object) -> int:
    """VALUE as a row id (a positive integer the databases hold); ValueError if it is not one."""
    try:
        number = int(value)  # type: ignore[call-overload]  # anything int() takes, else ValueError
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a row id") from None
    if not 1 <= number <= MAX_STORED_INT:
        raise ValueError(f"{value!r} is not a row id")
    return number


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        return row_id(value)  # its ValueError tells Django the URL does not match

    def to_url(self, value: int) -> str:
        return str(value)
