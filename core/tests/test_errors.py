"""A database lost while middleware loads the session is a clean 503; unknown API paths answer JSON."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError


@pytest.fixture
def broken_sessions(monkeypatch):
    def fail(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", fail)


def test_page_gets_the_503_page_when_the_session_cannot_be_loaded(client, office, broken_sessions):
    client.raise_request_exception = False
    client.cookies["sessionid"] = "x" * 32
    response = client.get("/org/units/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"503" in response.content and b"Traceback" not in response.content


def test_api_gets_json_503_when_the_session_cannot_be_loaded(client, broken_sessions):
    client.raise_request_exception = False
    client.cookies["sessionid"] = "x" * 32
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 503
    assert "detail" in response.json()


def test_other_server_errors_in_the_api_are_json(client, monkeypatch):
    client.raise_request_exception = False

    def fail(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(SessionStore, "load", fail)
    client.cookies["sessionid"] = "x" * 32
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 500
    assert response.json()["detail"]
    page = client.get("/org/units/")
    assert page.status_code == 500 and b"500" in page.content


def test_unknown_api_path_is_json_404(client, office):
    client.force_login(office)
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["detail"]
    assert client.get("/no-such-page/").status_code == 404
