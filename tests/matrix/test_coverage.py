"""The matrix covers every endpoint: its table names every URL pattern of the URLconf and every operation of
the OpenAPI document, each with a kind that fills exactly its parameters; an endpoint added without an entry,
or an entry left behind by a removed endpoint, fails here."""

import pytest

from . import routes
from .objects import KINDS, arity
from .table import API, EVERYONE, PAGES


def test_every_url_pattern_is_in_the_table():
    assert sorted(set(routes.page_routes()) - set(PAGES)) == []


def test_every_api_operation_is_in_the_table():
    operations = {f"{method} {path}" for method, path in routes.api_operations()}
    assert sorted(operations - set(API)) == []


def test_the_table_names_no_endpoint_that_is_gone():
    operations = {f"{method} {path}" for method, path in routes.api_operations()}
    assert sorted(set(PAGES) - set(routes.page_routes())) == []
    assert sorted(set(API) - operations) == []


@pytest.mark.parametrize(
    "route, kind",
    [(r, p.kind) for r, p in PAGES.items()] + [(k.split(" ", 1)[1], o.kind) for k, o in API.items()],
)
def test_every_entry_has_a_kind_that_fills_its_parameters(route, kind):
    assert kind in KINDS, f"{route}: unknown kind {kind!r}"
    assert len(routes.params(route)) == arity(kind), f"{route}: {routes.params(route)} for kind {kind!r}"


def test_every_entry_says_who_may_use_it():
    for route, page in PAGES.items():
        methods = [m for m in (page.get, page.post) if m is not None]
        assert methods, f"{route}: neither GET nor POST is classified"
        assert all(roles <= EVERYONE for roles in methods), route
    for key, op in API.items():
        assert op.roles <= EVERYONE, key


def test_every_kind_is_used():
    used = {p.kind for p in PAGES.values()} | {o.kind for o in API.values()}
    assert sorted(set(KINDS) - used, key=str) == []
