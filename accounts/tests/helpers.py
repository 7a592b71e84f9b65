"""Helpers shared by the accounts tests."""

import re

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD

LOGIN_URL = reverse("accounts:login")
TWO_FACTOR_URL = reverse("accounts:two_factor")
TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/auth/me"


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    """Sign in through the real login form, as a person would (django-axes needs the request)."""
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show now for this device."""
    device.refresh_from_db()
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A well-formed code that is not the right one now (nor a neighbour within the tolerance)."""
    right = {
        totp(device.bin_key, device.step, device.t0 + k * device.step, device.digits) for k in (-1, 0, 1)
    }
    candidate = 0
    while candidate in right:
        candidate += 1
    return f"{candidate:06d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


def template_names(response) -> list[str]:
    return [t.name for t in response.templates if t.name]


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def inline_script_problems(html: str) -> list[str]:
    """Inline <script> blocks and on*= handlers: what a strict CSP would block."""
    return _INLINE_SCRIPT.findall(html) + _INLINE_HANDLER.findall(html)
