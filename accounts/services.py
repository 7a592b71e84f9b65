"""Writes of accounts: users, API tokens and two-factor devices, each audited."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, User, hash_token
from core import audit
from core.models import AuditAction
from core.text import nfc


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str | None,
    organization,
    role: str,
    full_name: str = "",
    agency=None,
    email: str = "",
    require_two_factor: bool = False,
    validate_password: bool = True,
    password_hash: str | None = None,
) -> User:
    """Create a login for one organisation with one role.

    A Vietnamese name is family and middle names, then the given name: "Lương Đức Thịnh" is stored as
    last_name "Lương Đức" and first_name "Thịnh". `password_hash` (from make_password) lets a batch of
    logins share one hashing of the same password.
    """
    last, _sep, first = nfc(full_name).rpartition(" ")
    user = User(
        username=nfc(username),
        organization=organization,
        role=role,
        agency=agency,
        email=email,
        first_name=first,
        last_name=last,
        require_two_factor=require_two_factor,
    )
    if password_hash:
        user.password = password_hash
    elif password:
        if validate_password:
            password_validation.validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit.record(actor=actor, action=AuditAction.CREATE, instance=user, changes=audit.snapshot(user))
    return user


@transaction.atomic
def token_create(*, actor, user: User, name: str = "API", days: int | None = None) -> tuple[ApiToken, str]:
    """Issue an API token; the raw value is returned once and only its digest is stored."""
    raw = ApiToken.generate()
    days = settings.COSO_API_TOKEN_DAYS if days is None else days
    token = ApiToken.objects.create(
        user=user,
        name=nfc(name)[:100] or "API",
        prefix=raw[:12],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
    )
    audit.record(
        actor=actor,
        action=AuditAction.TOKEN,
        instance=token,
        note="created",
        organization=user.organization_id,
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once; it stays listed as revoked."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action=AuditAction.TOKEN,
            instance=token,
            note="revoked",
            organization=token.user.organization_id,
        )
    return token


@transaction.atomic
def user_change_password(*, actor, user: User, password: str) -> User:
    """Set a new password that passes Django's validators; the trail records the change, never the value."""
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=user, note="password changed")
    return user


@transaction.atomic
def totp_device_for_setup(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator device, created with a fresh secret on first use."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, actor, device: TOTPDevice) -> None:
    """Confirm a TOTP device after the user typed a valid code; from then on every sign-in asks for one."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user = device.user
    changes = {}
    if not user.require_two_factor:
        # Someone who turns two-factor on by choice must be asked for it, or it protects nothing.
        user.require_two_factor = True
        user.save(update_fields=["require_two_factor"])
        changes = {"require_two_factor": [False, True]}
    audit.record(
        actor=actor, action=AuditAction.UPDATE, instance=user, changes=changes, note="two-factor enabled"
    )


@transaction.atomic
def user_set_require_two_factor(*, actor, user: User, required: bool) -> User:
    """Turn the two-factor requirement of one user on or off."""
    if user.require_two_factor != required:
        before = user.require_two_factor
        user.require_two_factor = required
        user.save(update_fields=["require_two_factor"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=user,
            changes={"require_two_factor": [before, required]},
        )
    return user
