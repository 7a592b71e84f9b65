"""Writes of accounts: users, API tokens and two-factor devices, each audited."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django.utils import timezone

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
) -> User:
    """Create a login for one organisation with one role."""
    first, _sep, last = nfc(full_name).rpartition(" ")
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
    if password:
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
def totp_device_confirm(*, actor, device) -> None:
    """Mark a TOTP device as confirmed after the user typed a valid code."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=actor, note="two-factor enabled")


@transaction.atomic
def user_set_require_two_factor(*, actor, user: User, required: bool) -> User:
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
