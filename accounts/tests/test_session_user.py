"""The signed-in user of a request is loaded once (accounts.middleware.LoadedUserMiddleware), with Django's
checks intact: a deactivated login or a password changed elsewhere ends the session on its next request.

The tests of those checks run twice: with the middleware, and with Django's lazy user alone (the
middleware left out), and expect the same outcome from both."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils.functional import LazyObject

from accounts import services
from accounts.choices import Role
from accounts.models import User
from accounts.tests.helpers import LOGIN_URL, sign_in, signed_in_user_id
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOME = reverse("home")
NEW_PASSWORD = "Sông Hồng chảy 2026!"
LOADED_USER = "accounts.middleware.LoadedUserMiddleware"


@pytest.fixture(params=["loaded", "lazy"])
def stack(request, settings):
    """The middleware with the user loaded once, or without it (Django's own lazy user)."""
    if request.param == "lazy":
        settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != LOADED_USER]
    return request.param


def _signed_in(username: str) -> Client:
    client = Client()
    assert sign_in(client, username).status_code == 302
    assert client.get(HOME).status_code == 200
    return client


def _signed_out(client: Client) -> None:
    """The next page sends the client to the sign-in page, as an anonymous user."""
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert response.wsgi_request.user.is_anonymous


def test_it_runs_after_django_s_and_django_otp_s_middleware_and_before_the_two_factor_rule():
    order = settings.MIDDLEWARE
    position = order.index(LOADED_USER)
    assert order.index("django.contrib.auth.middleware.AuthenticationMiddleware") < position
    assert order.index("django_otp.middleware.OTPMiddleware") == position - 1
    assert position < order.index("accounts.middleware.RequireTwoFactorMiddleware")


def test_the_request_s_user_is_the_loaded_user_with_django_otp_s_fields(office):
    client = _signed_in("vanphong")
    user = client.get(HOME).wsgi_request.user
    assert not isinstance(user, LazyObject)
    assert type(user) is User and user.pk == office.pk
    assert user.otp_device is None and user.is_verified() is False


def test_an_anonymous_request_has_django_s_anonymous_user(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert type(response.wsgi_request.user) is AnonymousUser
    assert client.get(LOGIN_URL).status_code == 200


def test_without_the_middleware_the_user_is_django_s_lazy_one(stack, office):
    user = _signed_in("vanphong").get(HOME).wsgi_request.user
    assert isinstance(user, LazyObject) is (stack == "lazy")
    assert user.pk == office.pk and user.is_verified() is False


def test_a_deactivated_login_is_signed_out_on_its_next_request(stack, office, make_user, hanoi):
    clerk = make_user(Role.OFFICE, hanoi, "thuky")
    client = _signed_in("thuky")
    services.user_deactivate(actor=office, user=clerk, version=clerk.version)
    _signed_out(client)
    _signed_out(client)  # and stays signed out: Django's backend refuses an inactive user on every request
    assert sign_in(Client(), "thuky").status_code == 200  # the form refuses it too
    clerk.refresh_from_db()
    services.user_activate(actor=office, user=clerk, version=clerk.version)
    assert client.get(HOME).status_code == 200  # Django keeps the session: activated again, it signs in


def test_a_password_set_elsewhere_signs_the_session_out_and_flushes_it(stack, office, make_user, hanoi):
    clerk = make_user(Role.OFFICE, hanoi, "thuky")
    client = _signed_in("thuky")
    services.user_set_password_by_office(actor=office, user=clerk, password=NEW_PASSWORD)
    _signed_out(client)
    assert signed_in_user_id(client) is None  # the session's hash no longer matched: Django flushed it
    fresh = Client()
    assert sign_in(fresh, "thuky", NEW_PASSWORD).status_code == 302
    assert fresh.get(HOME).status_code == 200


def test_a_password_changed_on_its_page_keeps_that_session_and_ends_the_others(stack, office):
    client, other = _signed_in("vanphong"), _signed_in("vanphong")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    _signed_out(other)
    assert signed_in_user_id(other) is None


def test_a_session_without_its_password_hash_is_signed_out(stack, office):
    client = _signed_in("vanphong")
    session = client.session
    del session["_auth_user_hash"]
    session.save()
    _signed_out(client)
    assert signed_in_user_id(client) is None


def test_a_session_naming_a_backend_no_longer_configured_is_anonymous(stack, office):
    client = _signed_in("vanphong")
    session = client.session
    session["_auth_user_backend"] = "django.contrib.auth.backends.RemoteUserBackend"
    session.save()
    _signed_out(client)
