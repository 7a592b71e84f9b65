"""Test helpers shared by every app: the permission matrix and flat query counts."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

ANONYMOUS = "anonymous"


@dataclass
class Operation:
    """One page or API operation: how to call it, and the status each kind of user must get."""

    name: str
    method: str
    url: str
    expect: dict[str, int]
    data: dict | None = None
    json: dict | None = None
    headers: dict = field(default_factory=dict)


def call(client: Client, op: Operation):
    method = getattr(client, op.method.lower())
    if op.json is not None:
        return method(op.url, data=op.json, content_type="application/json", **op.headers)
    if op.data is not None:
        return method(op.url, data=op.data, **op.headers)
    return method(op.url, **op.headers)


def permission_matrix(users: dict[str, object], operations: Iterable[Operation]) -> list[str]:
    """Run every operation as every user and return the mismatches (empty when all statuses are right).

    `users` maps a label to a user (or None for anonymous). Each call runs inside a savepoint that is rolled
    back, so a write allowed for one user does not change what the next one sees. Every label used in an
    operation's `expect` must be in `users`, and every user must be covered by every operation, so that a
    new role cannot be silently left out of the matrix.
    """
    failures = []
    for op in operations:
        missing = set(users) - set(op.expect)
        unknown = set(op.expect) - set(users)
        if missing or unknown:
            failures.append(
                f"{op.name}: expectations missing for {sorted(missing)}, unknown {sorted(unknown)}"
            )
            continue
        for label, user in users.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            with transaction.atomic():
                response = call(client, op)
                transaction.set_rollback(True)
            if response.status_code != op.expect[label]:
                failures.append(
                    f"{op.name} as {label}: got {response.status_code}, expected {op.expect[label]}"
                )
    return failures


def count_queries(func: Callable[[], object]) -> int:
    """How many SQL queries `func` runs."""
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def assert_flat_queries(func: Callable[[], object], grow: Callable[[], object]) -> tuple[int, int]:
    """Count the queries of `func`, grow the data with `grow`, count again: both counts must be equal."""
    before = count_queries(func)
    grow()
    after = count_queries(func)
    assert before == after, f"query count grew with the data: {before} -> {after}"
    return before, after


def _page_rows(client: Client, url: str) -> list:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    # The paginator's list is every row the page's pages show, filtered and sorted as the page shows them.
    return list(response.context["page"].paginator.object_list)


def _api_rows(client: Client, url: str) -> list[dict]:
    items, page = [], 1
    while True:
        separator = "&" if "?" in url else "?"
        response = client.get(f"{url}{separator}page={page}&page_size=100")
        assert response.status_code == 200, f"{url}: {response.status_code} {response.content[:300]!r}"
        body = response.json()
        items += body["items"]
        if len(items) >= body["count"] or not body["items"]:
            return items
        page += 1


def _export_rows(client: Client, url: str) -> list[dict]:
    from core.exports import read_rows

    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return read_rows(response.content)


def _with(url: str, query: str) -> str:
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{query}"


def assert_same_rows(
    client: Client,
    query: str,
    *,
    page: str | None = None,
    api: str | None = None,
    export: str | None = None,
    page_key: Callable = lambda row: row.pk,
    api_key: Callable = lambda item: item["id"],
    export_key: Callable = lambda row: row["ID"],
) -> set:
    """The same query string gives the same rows in a list's page, its API list and its export.

    Give the URLs a list has (at least two), each with any fixed parameters it needs; `query` is appended
    to each. Rows are compared by key (the record id by default). Returns the keys, so that the caller
    also asserts which rows they are: three lists that agree on the wrong rows are still wrong."""
    found = {}
    if page is not None:
        found["page"] = {page_key(r) for r in _page_rows(client, _with(page, query))}
    if api is not None:
        found["api"] = {api_key(r) for r in _api_rows(client, _with(api, query))}
    if export is not None:
        found["export"] = {export_key(r) for r in _export_rows(client, _with(export, query))}
    assert len(found) >= 2, "compare at least two of page, api and export"
    first = next(iter(found.values()))
    assert all(keys == first for keys in found.values()), f"?{query}: the lists disagree: {found}"
    return first


def rewrite_first_sheet(data: bytes, *, dimension: str | None = None, append: str = "") -> bytes:
    """An .xlsx with its first sheet's XML rewritten as a hostile producer would write it: a `<dimension>`
    claiming `dimension`, and `append` (rows, as XML) added after the rows it has."""
    import io
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                if dimension is not None:
                    xml = re.sub(r"<dimension ref=\"[^\"]*\"\s*/>", f'<dimension ref="{dimension}"/>', xml)
                xml = xml.replace("</sheetData>", f"{append}</sheetData>")
                content = xml.encode()
            target.writestr(member, content)
    return out.getvalue()
