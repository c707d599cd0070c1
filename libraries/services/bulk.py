"""Fast INSERTs of brand-new rows, for the owned-list import (phase 1 of a sync).

Why not bulk_create here: Django prepares every value of every row through the field's
conversion chain, about 3 µs a value. A 10,000-game first import writes about 500,000 values
into four tables (a Game row alone has 30 columns) and took 2.4 s on SQLite and on PostgreSQL,
against a 1.0 s target (see docs/benchmarks.md). Rows that cannot exist yet need no conflict
handling, and most of their columns hold the same default in every row, so here:

* shared values (defaults, the library id, "now") are prepared once, not once per row;
* the rows go through the engine's fastest bulk path: COPY on PostgreSQL, multi-row VALUES
  on SQLite;
* ids are reserved up front, so rows of the next table can point at them without RETURNING.

Only INSERTs of new rows come here; every update of an existing row still goes through
bulk_create(update_conflicts=True), which is also what keeps a repeated batch idempotent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import Field, JSONField, Model

SQLITE_MAX_PARAMS = 999

# Types whose Python values the database drivers take as they are; the others (dates, times,
# JSON) go through the field's own preparation, which knows each backend's format.
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    }
)


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` primary keys that no other row has or will get.

    Call inside the transaction that inserts the rows. On SQLite that transaction already holds
    the database's write lock (Game Djinn opens them IMMEDIATE), so reading the high-water mark
    is safe; on PostgreSQL the identity sequence hands out the values.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence's name first: calling pg_get_serial_sequence on every row of the
            # series costs five times as much as the nextval calls themselves.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk_column])
            (sequence,) = cursor.fetchone()
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # AUTOINCREMENT never reuses an id, even a deleted one; honour its counter too.
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max({_q(pk_column)}) FROM {_q(table)}), 0))",
            [table],
        )
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def insert_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    shared: Mapping[str, Any] | None = None,
) -> None:
    """INSERT new ``rows`` of ``model``.

    ``columns`` names the fields (attnames, e.g. ``game_id``) each row gives a value for, in
    order; ``shared`` gives values equal for every row; every other column gets the field's
    default. Raises IntegrityError if a row already exists: callers insert only rows they know
    to be new, under a lock that keeps them new.
    """
    shared = dict(shared or {})
    fields = {field.attname: field for field in model._meta.concrete_fields}
    varying = [fields[name] for name in columns]
    constant = [f for f in fields.values() if f.attname not in columns and not f.primary_key]
    constant_values = [
        _prepare(field, shared[field.attname] if field.attname in shared else _default(field))
        for field in constant
    ]
    converters = [_converter(field) for field in varying]
    prepared = (
        [
            *(
                value if convert is None else convert(value)
                for convert, value in zip(converters, row, strict=True)
            ),
            *constant_values,
        ]
        for row in rows
    )
    column_list = ", ".join(_q(field.column) for field in (*varying, *constant))
    table = _q(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            # Multi-row VALUES, not executemany: SQLite runs the FTS trigger on games_game more
            # than twice as fast per statement than per row. 999 parameters a statement is the
            # SQLite default limit Django also assumes.
            width = len(varying) + len(constant)
            per_statement = max(1, SQLITE_MAX_PARAMS // width)
            row_sql = "(" + ", ".join(["%s"] * width) + ")"
            for chunk in _batched(prepared, per_statement):
                cursor.execute(
                    f"INSERT INTO {table} ({column_list}) VALUES {', '.join([row_sql] * len(chunk))}",
                    [value for row in chunk for value in row],
                )


def _batched(rows: Iterable[list[Any]], size: int) -> Iterator[list[list[Any]]]:
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _default(field: Field) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        raise ValueError(f"{field.name} is set on save; pass it in shared=")
    return field.get_default()


def _converter(field: Field) -> Callable[[Any], Any] | None:
    """What turns one of this field's values into a database parameter, if anything must."""
    kind = field.get_internal_type()
    if kind in _PLAIN_TYPES:
        return None
    # Straight to the backend's adapter: the field's own preparation adds checks that cost more
    # than the adaptation on ten thousand rows, and the callers pass aware datetimes only.
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    return partial(_prepare, field)


def _prepare(field: Field, value: Any) -> Any:
    if isinstance(field, JSONField):
        # As text, which both engines parse on the way in; PostgreSQL's own JSON adapter would
        # be serialised again for every row of a COPY.
        return None if value is None else json.dumps(value, cls=field.encoder)
    return field.get_db_prep_save(value, connection)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)
