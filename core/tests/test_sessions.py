"""A session in use is renewed, but not written on every request (core.sessions)."""

import datetime as dt

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


def _session_writes(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured
        if '"django_session"' in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, _session_writes(ctx.captured_queries)


def test_a_page_read_by_a_signed_in_user_does_not_write_the_session(office):
    client = Client()
    client.force_login(office)
    for url in ("/", "/org/units/", "/api/v1/auth/me"):
        response, writes = _get(client, url)
        assert writes == [], url
        assert settings.SESSION_COOKIE_NAME not in response.cookies  # nothing new to send either


def test_the_session_is_renewed_once_it_is_a_few_minutes_old_and_still_expires_when_left(office):
    start = timezone.now().replace(microsecond=0)
    renew = dt.timedelta(seconds=settings.COSO_SESSION_RENEW_SECONDS)
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        client.force_login(office)
        key = client.session.session_key
        assert Session.objects.get(pk=key).expire_date == start + age
        clock.move_to(start + renew - dt.timedelta(seconds=1))
        assert _get(client, "/")[1] == []
        clock.move_to(start + renew)
        _response, writes = _get(client, "/")
        assert len(writes) == 1
        assert Session.objects.get(pk=key).expire_date == start + renew + age
        clock.move_to(start + renew + age + dt.timedelta(seconds=1))  # left alone for the whole age
        assert client.get("/org/units/").status_code == 302  # signed out: to the sign-in page


def test_a_visitor_without_a_session_gets_none_from_a_page_read(client, db):
    response, writes = _get(client, "/accounts/login/")
    assert writes == [] and settings.SESSION_COOKIE_NAME not in response.cookies
