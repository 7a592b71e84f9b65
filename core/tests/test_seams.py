"""The seams every page and API operation shares: a malformed id in any URL is a 404, never a 500, a 422
or another page."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from core.converters import MAX_ID, IdConverter

BAD_IDS = ["abc", "1.5", "%20", "0", str(MAX_ID + 1), "-1"]


def _routes(patterns, prefix=""):
    """Every URL pattern of the project as (route, converters), the included ones too."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.pattern.converters


def _routes_with_ids():
    """The routes that take a parameter, pages and API: every one of them names a record by its id."""
    return sorted({route for route, converters in _routes(get_resolver().url_patterns) if converters})


def _url(route: str, value: str) -> str:
    """The route with `value` in every parameter."""
    url = route
    while "<" in url:
        start, end = url.index("<"), url.index(">")
        url = url[:start] + value + url[end + 1 :]
    return "/" + url


def test_every_id_in_a_url_goes_through_the_id_converter():
    """A new URL cannot take an id as `<int:...>` or `<str:...>`: that let 0, 2**63 and "abc" reach views."""
    loose = [
        f"{route} {name}"
        for route, converters in _routes(get_resolver().url_patterns)
        for name, converter in converters.items()
        if not isinstance(converter, IdConverter)
    ]
    assert loose == []
    routes = _routes_with_ids()
    assert len(routes) >= 60 and any(r.startswith("api/v1/") for r in routes)  # the walk saw them all


@pytest.mark.django_db
@pytest.mark.parametrize("route", _routes_with_ids())
def test_a_malformed_id_in_any_url_is_a_404(route, office):
    client = Client(raise_request_exception=False)
    client.force_login(office)
    got = {value: client.get(_url(route, value)).status_code for value in BAD_IDS}
    assert got == dict.fromkeys(BAD_IDS, 404)


@pytest.mark.django_db
def test_the_history_of_every_record_type_answers_404_to_a_malformed_id(office):
    client = Client(raise_request_exception=False)
    client.force_login(office)
    types = [model for model in apps.get_models() if hasattr(model, "scope")]
    assert len(types) >= 14
    got = {}
    for model in types:
        ct = ContentType.objects.get_for_model(model).pk
        for value in BAD_IDS:
            got[f"{model._meta.label} {value}"] = client.get(f"/history/{ct}/{value}/").status_code
        got[f"{model._meta.label} ct=abc"] = client.get("/history/abc/1/").status_code
    assert got == dict.fromkeys(got, 404)


@pytest.mark.django_db
def test_user_zero_is_not_the_new_user_form(office):
    client = Client()
    client.force_login(office)
    assert client.get("/accounts/users/0/").status_code == 404
    assert client.get("/accounts/users/new/").status_code == 200


def test_the_converter_bounds():
    converter = IdConverter()
    assert converter.to_python("1") == 1
    assert converter.to_python(str(MAX_ID)) == MAX_ID
    for raw in ("0", str(MAX_ID + 1)):
        with pytest.raises(ValueError):
            converter.to_python(raw)
