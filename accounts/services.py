"""Writes of accounts: users, API tokens and two-factor devices, each audited."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import ADMIN_ROLES, Role
from accounts.models import ApiToken, User, hash_token
from core import audit
from core.models import AuditAction
from core.services import update_record
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
    person=None,
) -> User:
    """Create a login for one organisation with one role.

    A Vietnamese name is family and middle names, then the given name: "Lương Đức Thịnh" is stored as
    last_name "Lương Đức" and first_name "Thịnh". `password_hash` (from make_password) lets a batch of
    logins share one hashing of the same password. Without a password the login cannot sign in until
    the office sets one. `person` links the login to a person of the organisation (a leader).
    """
    last, first = _split_name(full_name)
    user = User(
        username=nfc(username),
        organization=organization,
        role=role,
        agency=agency,
        email=(email or "").strip(),
        first_name=first,
        last_name=last,
        require_two_factor=require_two_factor,
    )
    _check_role_and_unit(user, unit_changed=True)
    if password_hash:
        user.password = password_hash
    elif password:
        if validate_password:
            _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit.record(actor=actor, action=AuditAction.CREATE, instance=user, changes=audit.snapshot(user))
    if person is not None:
        _link_person(actor=actor, user=user, person=person)
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
        kind="token.created",
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
            kind="token.revoked",
            organization=token.user.organization_id,
        )
    return token


@transaction.atomic
def user_change_password(*, actor, user: User, password: str) -> User:
    """Set a new password that passes Django's validators; the trail records the change, never the value."""
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=user, kind="account.password_changed")
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
        # The version moves on, so that an office form loaded before cannot silently turn it off again.
        User.objects.filter(pk=user.pk).update(require_two_factor=True, version=F("version") + 1)
        user.refresh_from_db(fields=["require_two_factor", "version"])
        changes = {"require_two_factor": [False, True]}
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=user,
        changes=changes,
        kind="account.two_factor_enabled",
    )


@transaction.atomic
def user_set_require_two_factor(*, actor, user: User, required: bool) -> User:
    """Turn the two-factor requirement of one user on or off."""
    if user.require_two_factor != required:
        before = user.require_two_factor
        user.require_two_factor = required
        # The version moves on, so that an office form loaded before cannot silently undo this.
        User.objects.filter(pk=user.pk).update(require_two_factor=required, version=F("version") + 1)
        user.refresh_from_db(fields=["require_two_factor", "version"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=user,
            changes={"require_two_factor": [before, required]},
        )
    return user


# --- the office administers its organisation's logins ---------------------------------------------


def _split_name(full_name: str | None) -> tuple[str, str]:
    """Vietnamese order: ("Lương Đức", "Thịnh") for "Lương Đức Thịnh"; a single word is the given name."""
    last, _sep, first = nfc(full_name).rpartition(" ")
    return last.strip(), first


def _validate_password(password: str, user: User) -> None:
    """Django's password validators, with their messages filed under the password field."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def _check_role_and_unit(user: User, *, unit_changed: bool) -> None:
    """A unit focal point has a unit of their own organisation; no other role has one."""
    if user.role == Role.FOCAL_POINT and not user.agency_id:
        raise ValidationError({"agency": _("A unit focal point needs a unit: choose one.")})
    if user.role != Role.FOCAL_POINT and user.agency_id:
        raise ValidationError(
            {"agency": _("Only a unit focal point has a unit: leave it empty for this role.")}
        )
    if user.agency_id and user.agency.organization_id != user.organization_id:
        raise ValidationError({"agency": _("This unit belongs to another organisation.")})
    if user.agency_id and unit_changed and user.agency.archived_at is not None:
        raise ValidationError({"agency": _("This unit is archived.")})


def _link_person(*, actor, user: User, person) -> None:
    """Make `person` (or nobody) the person this login belongs to; a person has at most one login."""
    # org builds on accounts, so its services are imported here, at call time.
    from org.models import Person
    from org.services import person_update

    current = Person.objects.filter(user=user).first()
    if person is not None and current is not None and current.pk == person.pk:
        return  # unchanged (even if that person has since been archived)
    if person is not None:
        if person.organization_id != user.organization_id:
            raise ValidationError({"person": _("This person belongs to another organisation.")})
        if person.archived_at is not None:
            raise ValidationError({"person": _("This person is archived.")})
        holder = Person.objects.filter(pk=person.pk).values("user_id", "user__username").first() or {}
        if holder.get("user_id") not in (None, user.pk):
            raise ValidationError(
                {
                    "person": _("{person} already has a login: {username}.").format(
                        person=person.full_name, username=holder["user__username"]
                    )
                }
            )
    if current is not None:
        person_update(actor=actor, person=current, version=current.version, user=None)
    if person is not None:
        person = Person.objects.get(pk=person.pk)  # the version as it is now, for the compare-and-set
        person_update(actor=actor, person=person, version=person.version, user=user)


_USER_FIELDS = {"username", "full_name", "email", "role", "agency", "require_two_factor", "person"}


@transaction.atomic
def user_update(*, actor, user: User, version: int, **data) -> User:
    """The office changes a login: name, e-mail, role, unit, two-factor rule, or the person it belongs to.

    A stale `version` (someone saved the login since it was loaded) is a conflict. An office user cannot
    take away their own office role: another office user must.
    """
    unknown = set(data) - _USER_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    link = "person" in data
    person = data.pop("person", None)
    if "username" in data:
        data["username"] = nfc(data["username"])
    if "full_name" in data:
        data["last_name"], data["first_name"] = _split_name(data.pop("full_name"))
    if "email" in data:
        data["email"] = (data["email"] or "").strip()
    role = data.get("role", user.role)
    if user.pk == getattr(actor, "pk", None) and user.role in ADMIN_ROLES and role not in ADMIN_ROLES:
        raise ValidationError(
            {"role": _("You cannot take away your own office role. Ask another office user to do it.")}
        )
    probe = User(
        pk=user.pk,
        organization_id=user.organization_id,
        role=role,
        agency=data.get("agency", user.agency),
    )
    _check_role_and_unit(probe, unit_changed="agency" in data and probe.agency_id != user.agency_id)
    user = update_record(actor=actor, instance=user, data=data, version=version)
    if link:
        _link_person(actor=actor, user=user, person=person)
    return user


@transaction.atomic
def user_set_password_by_office(*, actor, user: User, password: str) -> User:
    """The office sets a login's password (Django's validators apply); the trail never holds it."""
    if not password:
        raise ValidationError({"password": _("Enter a password.")})
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=user, kind="account.password_set")
    return user


@transaction.atomic
def user_deactivate(*, actor, user: User, version: int) -> User:
    """Stop a login from signing in (sessions and API tokens stop working); nothing is deleted."""
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("You cannot deactivate your own account. Ask another office user to do it."))
    if not user.is_active:
        return user
    return update_record(
        actor=actor, instance=user, data={"is_active": False}, version=version, kind="account.deactivated"
    )


@transaction.atomic
def user_activate(*, actor, user: User, version: int) -> User:
    """Let a deactivated login sign in again."""
    if user.is_active:
        return user
    return update_record(
        actor=actor, instance=user, data={"is_active": True}, version=version, kind="account.activated"
    )
