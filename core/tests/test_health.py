"""The health checks answer before the session and the user are loaded: with a session cookie and the
database down, /healthz is 200 and /readyz a JSON 503 with Retry-After, never the 503 page."""

from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection


@pytest.fixture
def database_down(signed_in):
    """Loading a session and opening a cursor both fail, as they do while PostgreSQL restarts (undone
    before the test's database is rolled back)."""
    gone = OperationalError("server closed the connection unexpectedly")
    with (
        mock.patch.object(SessionStore, "load", side_effect=gone),
        mock.patch.object(connection, "cursor", side_effect=gone),
    ):
        yield


@pytest.fixture
def signed_in(client, office):
    client.force_login(office)
    client.raise_request_exception = False
    return client


def test_with_a_session_cookie_and_the_database_down_healthz_is_alive(signed_in, database_down):
    assert signed_in.cookies["sessionid"].value
    response = signed_in.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_with_a_session_cookie_and_the_database_down_readyz_is_a_json_503(signed_in, database_down):
    response = signed_in.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"status": "unavailable", "database": False}


def test_a_page_with_the_same_cookie_meets_the_outage(signed_in, database_down):
    """The same request to a page does load the session, and gets the 503 page: the outage is real."""
    response = signed_in.get("/org/units/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")


def test_with_the_database_up_both_answer_ok(signed_in):
    assert signed_in.get("/healthz").json() == {"status": "ok"}
    ready = signed_in.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": True}
    assert "Retry-After" not in ready


def test_health_answers_touch_no_session(client, office, django_assert_num_queries):
    client.force_login(office)
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200
    with django_assert_num_queries(1):  # SELECT 1, and nothing for the session or the user
        assert client.get("/readyz").status_code == 200
