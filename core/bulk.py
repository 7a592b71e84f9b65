"""Writing many prepared rows of one model at once, for imports: one statement a batch, no model instances.

`insert` writes rows given as the values of some of a model's concrete fields, as model instances hold them
(aware date-times, Decimals, ids of related records): with COPY on PostgreSQL, with one `executemany` on
SQLite, the values adapted as Django adapts them. Nothing is validated here: the caller has applied the
model's rules (see incidents.services.BulkIntake). `Written` reads back what an import wrote, lazily.
"""

import sqlite3
from collections.abc import Iterator, Sequence
from itertools import chain

from django.conf import settings
from django.db import connection, models


def _datetime_adapter():
    """Django's adaptation of a date-time for SQLite (DatabaseOperations.adapt_datetimefield_value: an aware
    date-time as the text of its naive time in the connection's time zone)."""
    zone = connection.timezone if settings.USE_TZ else None

    def adapt(value):
        if zone is not None and value.utcoffset() is not None:
            return str(value.astimezone(zone).replace(tzinfo=None))
        return connection.ops.adapt_datetimefield_value(value)

    return adapt


_TYPES: dict[tuple, list[int]] = {}  # the columns' types (their oids) for a binary COPY, asked for once
_COLUMN_TYPES = (
    "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attname = ANY(%s)"
)


def insert(model: type[models.Model], fields: Sequence[str], rows: list[list]) -> None:
    """Insert `rows` into `model`'s table, each holding the values of `fields` in that order, in as few
    statements as the database allows: one binary COPY on PostgreSQL; on SQLite, as many rows a statement as
    it takes parameters, their date-times adapted in place. The statements go to the driver directly: they
    are not among Django's logged queries."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            key = (connection.alias, meta.db_table, tuple(columns))
            if key not in _TYPES:
                cursor.execute(_COLUMN_TYPES, [meta.db_table, columns])
                found = dict(cursor.fetchall())
                _TYPES[key] = [found[column] for column in columns]
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(_TYPES[key])
                for row in rows:
                    copy.write_row(row)
        return
    adapt = _datetime_adapter()
    for i, name in enumerate(fields):
        if isinstance(meta.get_field(name), models.DateTimeField):
            # Each distinct value once: a batch repeats a few (the time of the import, the deadlines).
            adapted = {value: adapt(value) for value in {row[i] for row in rows} if value is not None}
            if adapted:
                adapted[None] = None
                for row in rows:
                    row[i] = adapted[row[i]]
    driver = connection.connection
    try:
        limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except (AttributeError, sqlite3.Error):
        limit = connection.features.max_query_params
    per = max(1, limit // len(fields))
    values = "(" + ", ".join(["?"] * len(fields)) + ")"
    statement = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 (the model's own names)
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        driver.execute(statement + ", ".join([values] * len(chunk)), list(chain.from_iterable(chunk)))


class Written(Sequence):
    """The records an import wrote, in the order it wrote them, read from the database when asked for:
    `len` costs nothing, iterating reads them a thousand at a time."""

    def __init__(self, queryset: models.QuerySet, count: int):
        self.queryset = queryset.order_by("pk")
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator:
        return self.queryset.iterator(chunk_size=1000)

    def __getitem__(self, index):
        if isinstance(index, slice):
            if (index.start or 0) >= 0 and (index.stop is None or index.stop >= 0) and index.step is None:
                return list(self.queryset[index])
            return list(self)[index]
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(index)
        return self.queryset[index]

    def __repr__(self) -> str:
        return f"<Written: {self.count} {self.queryset.model._meta.verbose_name_plural}>"
