"""Grouped counts and medians computed by the database, on PostgreSQL and on SQLite alike.

`grouped(qs, keys, counts=..., medians=...)` returns, for each key, one dict per value of it: each count
(a `Q` that the row must match, or None for every row) and the median of each field over the rows where
it is not null, as a float (None for a group where it is null throughout). No row is brought into Python.

One query for every key at once, which reads the filtered rows once:

- PostgreSQL: `GROUP BY GROUPING SETS`, one set per key, the medians by the ordered-set aggregate
  `percentile_cont(0.5)`;
- SQLite, which has neither: the rows materialised once, a GROUP BY per key, and for each median the
  values numbered within their group (`ROW_NUMBER()` and `COUNT(*)` over one window), keeping the middle
  one, or the mean of the middle two when the count is even.

Both give the same number: `percentile_cont(0.5)` interpolates halfway between the middle two. The number
of queries never depends on the number of rows or of groups.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When


def grouped(
    qs: QuerySet, keys: list[str] | tuple[str, ...], *, counts: dict[str, Q | None], medians: dict[str, str]
) -> dict[str, list[dict]]:
    """Per key (a field name) and per value of it (`key` in each dict): the counts and the medians, in SQL,
    in one query that reads the filtered rows once, whatever the number of keys."""
    keys = list(keys)
    columns = {f"k{i}": F(key) for i, key in enumerate(keys)}
    for j, q in enumerate(counts.values()):
        columns[f"c{j}"] = (
            Case(When(q, then=1), default=0, output_field=IntegerField()) if q is not None else Value(1)
        )
    columns.update({f"v{m}": F(field) for m, field in enumerate(medians.values())})
    result: dict[str, list[dict]] = {key: [] for key in keys}
    try:
        inner, params = qs.order_by().values(**columns).query.sql_with_params()
    except EmptyResultSet:  # a queryset that can match nothing (none(), an empty __in): nothing to count
        return result
    build = _postgres_sql if connection.vendor == "postgresql" else _sqlite_sql
    sql = build(inner, len(keys), len(counts), len(medians))
    count_names, median_names = list(counts), list(medians)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for position, *values in cursor.fetchall():
            row = {"key": values[position]}
            values = values[len(keys) :]
            row.update(zip(count_names, (int(v or 0) for v in values[: len(counts)]), strict=True))
            medians_found = (float(v) if v is not None else None for v in values[len(counts) :])
            row.update(zip(median_names, medians_found, strict=True))
            result[keys[position]].append(row)
    return result


def _postgres_sql(inner: str, keys: int, counts: int, medians: int) -> str:
    """GROUPING SETS: one group per value of each key, the medians by `percentile_cont(0.5)`; GROUPING()
    tells which key a row is grouped by."""
    position = " ".join(f"WHEN GROUPING(k{i}) = 0 THEN {i}" for i in range(keys))
    slots = [f"k{i}" for i in range(keys)]
    sums = [f"SUM(c{j})" for j in range(counts)]
    stats = [f"percentile_cont(0.5) WITHIN GROUP (ORDER BY v{m}::double precision)" for m in range(medians)]
    sets = ", ".join(f"(k{i})" for i in range(keys))
    chosen = ", ".join([f"CASE {position} END", *slots, *sums, *stats])
    return f"SELECT {chosen} FROM ({inner}) s GROUP BY GROUPING SETS ({sets})"  # noqa: S608 - our names


# The count of a partition, over the same window as ROW_NUMBER() (so one sort serves both).
_WHOLE_PARTITION = "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"


def _sqlite_sql(inner: str, keys: int, counts: int, medians: int) -> str:
    """The filtered rows once (`s`, materialised), then per key a GROUP BY for the counts, joined with one
    window per median (`IS`, so that the rows whose key is null form a group of their own, as GROUP BY
    makes them); the groupings one after another (UNION ALL), each row tagged with its key's position."""
    ctes = [f"s AS MATERIALIZED ({inner})"]
    selects = []
    for i in range(keys):
        sums = ", ".join(f"SUM(c{j}) AS c{j}" for j in range(counts))
        ctes.append(f"t{i} AS (SELECT k{i} AS g, {sums} FROM s GROUP BY k{i})")  # noqa: S608 - our names
        joins, picked = [], []
        for m in range(medians):
            ctes.append(
                f"m{i}_{m} AS (SELECT g, AVG(v) AS med FROM ("  # noqa: S608 - names of our own, no input
                f"SELECT k{i} AS g, v{m} AS v, ROW_NUMBER() OVER (PARTITION BY k{i} ORDER BY v{m}) AS rn, "
                f"COUNT(*) OVER (PARTITION BY k{i} ORDER BY v{m} {_WHOLE_PARTITION}) AS n "
                f"FROM s WHERE v{m} IS NOT NULL"
                f") WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY g)"
            )
            joins.append(f"LEFT JOIN m{i}_{m} ON m{i}_{m}.g IS t{i}.g")
            picked.append(f"m{i}_{m}.med")
        slots = [f"t{i}.g" if n == i else "NULL" for n in range(keys)]
        chosen = ", ".join([str(i), *slots, *(f"t{i}.c{j}" for j in range(counts)), *picked])
        selects.append(f"SELECT {chosen} FROM t{i} {' '.join(joins)}")  # noqa: S608
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}"
