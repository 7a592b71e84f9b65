"""Writing many prepared rows of one model at once, for imports: one statement a batch, no model instances.

`insert` writes rows given as the values of some of a model's concrete fields, as model instances hold them
(aware date-times, Decimals, ids of related records): with COPY on PostgreSQL, with one `executemany` on
SQLite, the values adapted as Django adapts them. Nothing is validated here: the caller has applied the
model's rules (see incidents.services.BulkIntake). `Written` reads back what an import wrote, lazily.
"""

from collections.abc import Iterator, Sequence

from django.db import connection, models


def _datetime_adapter():
    """Django's adaptation of a date-time for the connection, remembered per value (a batch repeats a few:
    the time of the import, the same deadlines)."""
    adapt = connection.ops.adapt_datetimefield_value
    memo: dict = {}

    def adapter(value):
        if value is None:
            return None
        found = memo.get(value)
        if found is None:
            if len(memo) > 10_000:
                memo.clear()
            found = memo[value] = adapt(value)
        return found

    return adapter


def insert(model: type[models.Model], fields: Sequence[str], rows: list[list]) -> None:
    """Insert `rows` into `model`'s table, each holding the values of `fields` in that order, in one
    statement: COPY on PostgreSQL, executemany otherwise. The rows' date-times are adapted in place."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    dated = [i for i, name in enumerate(fields) if isinstance(meta.get_field(name), models.DateTimeField)]
    adapt = _datetime_adapter()
    for row in rows:
        for i in dated:
            row[i] = adapt(row[i])
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 (the model's own names)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


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
