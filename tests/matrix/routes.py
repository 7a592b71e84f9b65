"""Every endpoint of the project, generated: the URL patterns of the URLconf and the operations of the API's
OpenAPI document. The matrix's table must name each of them; nothing here is written by hand."""

import json
import re
from functools import cache

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "api/v1/"
PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)|\{(\w+)\}")


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def url_patterns() -> list[str]:
    """Every URL pattern, as its route ("incidents/<id:pk>/"), the included ones too, without duplicates."""
    return sorted(set(_patterns(get_resolver().url_patterns)))


def page_routes() -> list[str]:
    """The URL patterns that are not operations of the API: pages, downloads, and the API's own documents."""
    operations = {_pattern_of(path) for _, path in api_operations()}
    return [route for route in url_patterns() if route not in operations]


def _pattern_of(api_path: str) -> str:
    """The URL pattern an OpenAPI path comes from: "/api/v1/incidents/{incident_id}" ->
    "api/v1/incidents/<id:incident_id>"."""
    return re.sub(r"\{(\w+)\}", r"<id:\1>", api_path.lstrip("/"))


@cache
def openapi() -> dict:
    response = Client().get("/" + API_PREFIX + "openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def api_operations() -> list[tuple[str, str]]:
    """Every operation of the API as (METHOD, path), from the OpenAPI document."""
    return sorted(
        (method.upper(), path)
        for path, item in openapi()["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )


def operation(method: str, path: str) -> dict:
    return openapi()["paths"][path][method.lower()]


def params(route: str) -> list[str]:
    """The parameter names of a route or an API path, in order."""
    return [next(g for g in m.groups() if g) for m in PARAM.finditer(route)]


def fill(route: str, values: tuple) -> str:
    """The URL of a route (or API path) with `values` in its parameters, in order."""
    values = iter(values)
    url = PARAM.sub(lambda m: str(next(values)), route)
    url = url.replace("^", "").replace("$", "").replace("\\.", ".")
    return url if url.startswith("/") else "/" + url
