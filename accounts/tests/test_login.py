"""Signing in and out, the audit trail of it, CSRF, and django-axes lockout (pages and API)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import auth
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.choices import Role
from accounts.models import ApiToken
from accounts.tests.helpers import LOGIN_URL, TOKEN_URL, sign_in, signed_in_user_id, template_names
from conftest import PASSWORD
from core.models import AuditAction, AuditEvent
from core.testing import count_queries

pytestmark = pytest.mark.django_db


def test_axes_is_on_in_tests():
    # The lockout tests below mean nothing if django-axes is switched off.
    assert settings.AXES_ENABLED is True
    assert settings.AXES_FAILURE_LIMIT >= 2


def test_login_page_renders(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert "accounts/login.html" in template_names(response)
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_correct_login_redirects_home_and_is_audited(client, office):
    response = sign_in(client, "vanphong")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(office.pk)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor == office
    assert event.object_id == str(office.pk)
    assert event.organization_id == office.organization_id
    assert client.get(reverse("home")).status_code == 200


def _session_user(client):
    """The user of the client's session, as the authentication middleware loads it for each request."""
    request = RequestFactory().get("/")
    request.session = client.session
    return auth.get_user(request)


def test_the_signed_in_user_comes_with_their_organisation_and_person_in_one_query(make_user, hanoi):
    leader = make_user(Role.STANDING_MEMBER, hanoi, "lanhdao", person=True)
    office = make_user(Role.OFFICE, hanoi, "vanphong")
    for user in (leader, office):
        signed = Client()  # signed in through the form: the session names the backend that signed it in
        assert sign_in(signed, user.username).status_code == 302
        loaded = []
        # The session's row, then the user with their organisation and person.
        assert count_queries(lambda s=signed: loaded.append(_session_user(s))) == 2
        found = loaded[0]
        assert found.pk == user.pk
        assert count_queries(lambda u=found: (u.organization, getattr(u, "person", None))) == 0
        assert found.organization == hanoi
        assert (getattr(found, "person", None) is not None) is (user == leader)


def test_a_deactivated_user_s_session_no_longer_signs_them_in(client, office):
    assert sign_in(client, "vanphong").status_code == 302
    assert _session_user(client).pk == office.pk
    office.is_active = False
    office.save(update_fields=["is_active"])
    assert not _session_user(client).is_authenticated


def test_login_goes_on_to_a_safe_next_page_only(client, office):
    target = reverse("accounts:tokens")
    response = client.post(
        LOGIN_URL + "?next=" + target, {"username": "vanphong", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target
    other = Client()
    response = other.post(
        LOGIN_URL, {"username": "vanphong", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_wrong_password_shows_an_error_and_is_audited(client, office):
    response = sign_in(client, "vanphong", "not-the-password", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "alert-danger" in response.content.decode()
    assert signed_in_user_id(client) is None
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor is None
    assert "vanphong" in event.note
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()
    # django-axes counted the failure.
    assert AccessAttempt.objects.get(username="vanphong").failures_since_start == 1


def test_login_form_needs_the_csrf_token(office):
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client, "vanphong")
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def test_logout_is_post_only_and_audited(client, office):
    client.force_login(office)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert signed_in_user_id(client) == str(office.pk)
    assert not AuditEvent.objects.filter(action=AuditAction.LOGOUT).exists()

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert signed_in_user_id(client) is None
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.actor == office
    # Signed out: pages send the user back to the login page.
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:login"))


def _fail(client, username, times):
    return [sign_in(client, username, "wrong-password-1") for _ in range(times)]


def test_lockout_after_the_failure_limit(client, office, leader_user):
    limit = settings.AXES_FAILURE_LIMIT
    responses = _fail(client, "vanphong", limit - 1)
    assert [r.status_code for r in responses] == [200] * (limit - 1)

    # The limit-th failure locks the account: the lockout page, HTTP 429.
    locked = sign_in(client, "vanphong", "wrong-password-1", HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in template_names(locked)
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert int(locked["Retry-After"]) > 0
    assert AccessAttempt.objects.get(username="vanphong").failures_since_start == limit

    # Now even the right password is refused, and nobody is signed in.
    response = sign_in(client, "vanphong", PASSWORD)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in template_names(response)
    assert signed_in_user_id(client) is None
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == limit + 1

    # The lockout is per user and address: another account from the same address still signs in.
    response = sign_in(Client(), "lanhdao")
    assert response.status_code == 302


def test_success_before_the_limit_resets_the_count(client, office):
    limit = settings.AXES_FAILURE_LIMIT
    _fail(client, "vanphong", limit - 1)
    assert sign_in(client, "vanphong").status_code == 302
    client.post(reverse("accounts:logout"))
    responses = _fail(client, "vanphong", limit - 1)
    assert all(r.status_code == 200 for r in responses)
    assert sign_in(client, "vanphong").status_code == 302


def _api_token(client, username, password, **extra):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json", **extra
    )


def test_api_token_wrong_password_is_401_json(client, office):
    response = _api_token(client, "vanphong", "wrong-password-1", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Wrong username or password."}
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 1
    assert not ApiToken.objects.exists()


def test_api_token_lockout_is_429_json_with_a_clear_message(client, office):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _api_token(client, "vanphong", "wrong-password-1").status_code == 401

    locked = _api_token(client, "vanphong", "wrong-password-1", HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("application/json")
    assert locked.json() == {"detail": "Too many failed sign-in attempts: the account is locked for a while."}

    # The right password no longer gets a token while the lockout lasts.
    response = _api_token(client, "vanphong", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "locked" in response.json()["detail"]
    assert not ApiToken.objects.exists()
    # The API failures count for the login page too: it is the same account.
    assert sign_in(Client(), "vanphong").status_code == 429
