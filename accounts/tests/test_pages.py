"""Error pages, health checks and security headers."""

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.tests.helpers import (
    LOGIN_URL,
    TWO_FACTOR_URL,
    inline_script_problems,
    sign_in,
    template_names,
)

pytestmark = pytest.mark.django_db

ERRORS_URLCONF = "accounts.tests.urls_errors"


def test_404_page_in_vietnamese(client):
    response = client.get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 404
    assert "errors/404.html" in template_names(response)
    assert '<html lang="vi">' in response.content.decode()


def test_404_page_follows_the_language(client):
    response = client.get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert '<html lang="en">' in response.content.decode()
    assert "This page does not exist" in response.content.decode()


def test_404_page_for_a_signed_in_user(client, office):
    client.force_login(office)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "errors/404.html" in template_names(response)
    assert 'data-testid="user-menu"' in response.content.decode()


@override_settings(ROOT_URLCONF=ERRORS_URLCONF)
def test_500_page(client):
    client.raise_request_exception = False
    response = client.get("/test-errors/boom/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert "errors/500.html" in template_names(response)
    html = response.content.decode()
    assert "Something went wrong on the server." in html
    assert "RuntimeError" not in html and "Traceback" not in html


@override_settings(ROOT_URLCONF=ERRORS_URLCONF)
def test_database_outage_gives_a_503_page(client):
    client.raise_request_exception = False
    response = client.get("/test-errors/database-down/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
    assert "errors/503.html" in template_names(response)
    html = response.content.decode()
    assert "The database is not available right now." in html
    assert "connection refused" not in html


@override_settings(ROOT_URLCONF=ERRORS_URLCONF)
def test_database_outage_gives_json_503_under_the_api(client):
    client.raise_request_exception = False
    response = client.get("/api/v1/test-errors/database-down/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "The database is not available right now. Try again in a moment."}


@override_settings(ROOT_URLCONF=ERRORS_URLCONF)
def test_database_outage_for_a_signed_in_user(client, leader_user):
    client.force_login(leader_user)
    client.raise_request_exception = False
    response = client.get("/test-errors/database-down/")
    assert response.status_code == 503


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
    assert "no-cache" in response["Cache-Control"]


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("signed_in", [False, True])
def test_security_headers(client, office, signed_in):
    if signed_in:
        client.force_login(office)
    response = client.get(reverse("home") if signed_in else LOGIN_URL)
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    for values in csp.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_error_pages_carry_the_headers_too(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert _csp(response)["script-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"


def test_account_pages_have_no_inline_scripts(client, office):
    assert inline_script_problems(client.get(LOGIN_URL).content.decode()) == []
    client.force_login(office)
    for url in (
        reverse("home"),
        reverse("accounts:tokens"),
        reverse("accounts:password_change"),
        TWO_FACTOR_URL,
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_script_problems(response.content.decode()) == [], url


def test_session_cookie_is_http_only_and_same_site(client, office):
    response = sign_in(client, "vanphong")
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # expires with the browser
