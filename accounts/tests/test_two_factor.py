"""TOTP two-factor sign-in: who must use it, setting it up, verifying it, and the API's view of it."""

import base64
import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.choices import Role
from accounts.models import ApiToken
from accounts.selectors import needs_two_factor
from accounts.tests.helpers import (
    ME_URL,
    TOKEN_URL,
    TWO_FACTOR_URL,
    confirmed_device,
    sign_in,
    template_names,
    totp_code,
    wrong_code,
)
from conftest import PASSWORD
from core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

HOME = reverse("home")
GUARDED_PAGES = [
    reverse("home"),
    reverse("accounts:tokens"),
    reverse("accounts:password_change"),
    reverse("org:unit_list"),
    reverse("org:matrix"),
]


@pytest.fixture
def strict_user(office):
    """An office user who must use two-factor sign-in."""
    return services.user_set_require_two_factor(actor=None, user=office, required=True)


def _redirected_to_two_factor(response, next_url):
    if response.status_code != 302:
        return False
    parts = urlsplit(response["Location"])
    return parts.path == TWO_FACTOR_URL and parse_qs(parts.query).get("next") == [next_url]


def test_required_user_reaches_only_the_two_factor_page(client, strict_user):
    response = sign_in(client, "vanphong")
    assert response.status_code == 302
    for url in GUARDED_PAGES:
        assert _redirected_to_two_factor(client.get(url), url), url
    # The next page keeps its query string through the detour.
    url = reverse("org:unit_list") + "?" + urlencode({"q": "Hoàn Kiếm", "page": 2})
    response = client.get(url)
    assert _redirected_to_two_factor(response, url)
    # What stays open: the two-factor page itself, health checks, and signing out.
    assert client.get(TWO_FACTOR_URL).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_user_without_the_requirement_is_not_redirected(client, leader_user):
    assert not needs_two_factor(leader_user)
    client.force_login(leader_user)
    assert client.get(HOME).status_code == 200


def test_setup_shows_a_qr_code_and_the_secret(client, strict_user):
    client.force_login(strict_user)
    response = client.get(TWO_FACTOR_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "accounts/two_factor.html" in template_names(response)
    assert response.context["setup"] is True
    device = TOTPDevice.objects.get(user=strict_user)
    assert device.confirmed is False
    # The QR code is an inline SVG data URI (no inline script, nothing fetched from outside).
    qr = response.context["qr"]
    prefix = "data:image/svg+xml;base64,"
    assert qr.startswith(prefix)
    assert f'src="{qr}"' in response.content.decode()
    svg = base64.b64decode(qr[len(prefix) :]).decode()
    assert "<svg" in svg
    # The secret typed by hand is the device's key in base32.
    secret = response.context["secret"]
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert f'data-testid="totp-secret">{secret}<' in response.content.decode()
    # Reloading the page shows the same pending device, not a new one each time.
    client.get(TWO_FACTOR_URL)
    assert TOTPDevice.objects.filter(user=strict_user).count() == 1


def test_wrong_code_is_refused(client, strict_user):
    client.force_login(strict_user)
    client.get(TWO_FACTOR_URL)
    device = TOTPDevice.objects.get(user=strict_user)
    response = client.post(TWO_FACTOR_URL, {"otp": wrong_code(device)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["otp"] == ["The code is wrong or has expired."]
    device.refresh_from_db()
    assert device.confirmed is False
    assert not AuditEvent.objects.filter(kind="account.two_factor_enabled").exists()
    assert _redirected_to_two_factor(client.get(HOME), HOME)


def test_malformed_code_is_refused(client, strict_user):
    client.force_login(strict_user)
    response = client.post(TWO_FACTOR_URL, {"otp": "12ab"})
    assert response.status_code == 200
    assert "otp" in response.context["form"].errors
    assert not TOTPDevice.objects.filter(user=strict_user, confirmed=True).exists()


def test_full_journey_setup_then_verify_on_the_next_login(client, strict_user):
    sign_in(client, "vanphong")
    next_url = reverse("accounts:tokens")
    client.get(TWO_FACTOR_URL + "?next=" + next_url)
    device = TOTPDevice.objects.get(user=strict_user)

    # A valid code confirms the device, marks this session verified and goes on to the page asked for.
    response = client.post(TWO_FACTOR_URL, {"otp": totp_code(device), "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    device.refresh_from_db()
    assert device.confirmed is True
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, kind="account.two_factor_enabled")
    assert event.actor == strict_user
    for url in GUARDED_PAGES:
        assert client.get(url).status_code == 200, url

    client.post(reverse("accounts:logout"))
    # Next sign-in, a minute later (a code is accepted once only): the verify form, with no QR code.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=90), tick=True):
        assert sign_in(client, "vanphong").status_code == 302
        assert _redirected_to_two_factor(client.get(HOME), HOME)
        response = client.get(TWO_FACTOR_URL)
        assert response.context["setup"] is False
        assert "qr" not in response.context
        assert "data:image/svg" not in response.content.decode()

        response = client.post(TWO_FACTOR_URL, {"otp": wrong_code(device)})
        assert response.status_code == 200
        assert _redirected_to_two_factor(client.get(HOME), HOME)

    # A little later (django-otp throttles after a wrong code) the right code unlocks the pages.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=150), tick=True):
        response = client.post(TWO_FACTOR_URL, {"otp": totp_code(device), "next": HOME})
        assert response.status_code == 302
        assert response["Location"] == HOME
        assert client.get(HOME).status_code == 200
    assert TOTPDevice.objects.filter(user=strict_user).count() == 1


def test_a_code_is_accepted_only_once(client, strict_user):
    device = confirmed_device(strict_user)
    code = totp_code(device)
    client.force_login(strict_user)
    assert client.post(TWO_FACTOR_URL, {"otp": code}).status_code == 302
    other = Client()
    other.force_login(strict_user)
    response = other.post(TWO_FACTOR_URL, {"otp": code})
    assert response.status_code == 200
    assert _redirected_to_two_factor(other.get(HOME), HOME)


def test_next_must_be_a_page_of_this_site(client, strict_user):
    device = confirmed_device(strict_user)
    client.force_login(strict_user)
    response = client.post(TWO_FACTOR_URL, {"otp": totp_code(device), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == HOME


def test_turning_two_factor_on_by_choice_makes_it_required(client, leader_user):
    assert not needs_two_factor(leader_user)
    client.force_login(leader_user)
    client.get(TWO_FACTOR_URL)
    device = TOTPDevice.objects.get(user=leader_user)
    assert client.post(TWO_FACTOR_URL, {"otp": totp_code(device)}).status_code == 302
    leader_user.refresh_from_db()
    assert leader_user.require_two_factor is True
    event = AuditEvent.objects.get(kind="account.two_factor_enabled")
    assert event.changes == {"require_two_factor": [False, True]}
    # A new session must pass the second factor.
    other = Client()
    other.force_login(leader_user)
    assert _redirected_to_two_factor(other.get(HOME), HOME)


def test_organisation_setting_forces_office_users_only(client, hanoi, office, leader_user, viewer):
    assert not needs_two_factor(office)
    hanoi.require_two_factor_for_office = True
    hanoi.save(update_fields=["require_two_factor_for_office"])
    office.refresh_from_db()
    leader_user.refresh_from_db()
    viewer.refresh_from_db()
    assert needs_two_factor(office)
    assert not needs_two_factor(leader_user)
    assert not needs_two_factor(viewer)

    client.force_login(office)
    assert _redirected_to_two_factor(client.get(HOME), HOME)
    for user in (leader_user, viewer):
        other = Client()
        other.force_login(user)
        assert other.get(HOME).status_code == 200


def test_organisation_setting_does_not_reach_another_organisation(client, hanoi, office_hcmc):
    hanoi.require_two_factor_for_office = True
    hanoi.save(update_fields=["require_two_factor_for_office"])
    assert office_hcmc.role == Role.OFFICE
    client.force_login(office_hcmc)
    assert client.get(HOME).status_code == 200


def test_api_session_of_an_unverified_user_is_401(client, strict_user):
    confirmed_device(strict_user)
    client.force_login(strict_user)
    response = client.get(ME_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in, or send a valid API token."}


def test_api_session_of_a_verified_user_is_200(client, strict_user):
    device = confirmed_device(strict_user)
    client.force_login(strict_user)
    assert client.get(ME_URL).status_code == 401
    client.post(TWO_FACTOR_URL, {"otp": totp_code(device)})
    response = client.get(ME_URL)
    assert response.status_code == 200
    assert response.json()["username"] == "vanphong"


def _token(client, **payload):
    data = {"username": "vanphong", "password": PASSWORD, **payload}
    return client.post(TOKEN_URL, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_api_token_for_a_two_factor_user_needs_a_valid_code(client, strict_user):
    device = confirmed_device(strict_user)
    message = "A valid one-time code from the authenticator app is required."

    response = _token(client)
    assert response.status_code == 401
    assert response.json() == {"detail": message}
    response = _token(client, otp=wrong_code(device))
    assert response.status_code == 401
    assert response.json() == {"detail": message}
    assert not ApiToken.objects.exists()

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=60), tick=True):
        response = _token(client, otp=totp_code(device))
    assert response.status_code == 201
    raw = response.json()["token"]
    assert ApiToken.objects.get(user=strict_user).pk == response.json()["id"]
    me = Client().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.status_code == 200
    assert me.json()["username"] == "vanphong"


def test_api_token_for_a_two_factor_user_without_a_device_is_refused(client, strict_user):
    response = _token(client, otp="123456")
    assert response.status_code == 401
    assert not ApiToken.objects.exists()
