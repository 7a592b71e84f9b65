"""Reads of accounts."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import Role
from accounts.models import ApiToken, User
from core.text import search_terms


def token_list(*, user):
    """A user's own API tokens; nobody lists another user's."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def get_token_for_user(*, user, pk: int) -> ApiToken:
    """One of the user's own tokens: 404 for missing and for someone else's alike."""
    token = token_list(user=user).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


def needs_two_factor(user) -> bool:
    """Whether this user must pass a second factor: set per user, or for the office by the organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.require_two_factor:
        return True
    if not user.is_office:
        return False  # spares loading the organisation on every request of everyone else
    org = user.organization
    return bool(org and org.require_two_factor_for_office)


# --- the office's list of logins --------------------------------------------------------------------


def user_list(
    *, user, q: str | None = None, role: str | None = None, active: bool | None = None
) -> QuerySet[User]:
    """The logins of the office's own organisation, searchable without diacritics; nobody else lists them.

    Each carries `two_factor_set_up` (a confirmed authenticator), its unit and its person, so a page of
    them costs the same few queries whatever its size.
    """
    if not (getattr(user, "is_authenticated", False) and user.is_office and user.organization_id):
        return User.objects.none()
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    qs = (
        User.objects.filter(organization_id=user.organization_id)
        .select_related("agency", "person")
        .annotate(two_factor_set_up=Exists(confirmed))
    )
    if role:
        qs = qs.filter(role=role)
    if active is not None:
        qs = qs.filter(is_active=active)
    for word in search_terms(q):
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("sort_key", "username", "id")


def get_user_for_office(*, user, pk: int) -> User:
    """One login of the office's own organisation: 404 for missing, for another organisation's and for
    anyone but the office alike."""
    account = user_list(user=user).filter(pk=pk).first()
    if account is None:
        raise Http404
    return account


# --- who a command acts as ---------------------------------------------------------------------------


def active_user(username: str) -> User | None:
    """The active login `username`, with its organisation (a command names the user it acts as)."""
    return User.objects.filter(username=username, is_active=True).select_related("organization").first()


def office_users(organization_id: int) -> list[User]:
    """The organisation's active office logins, oldest first (those told when the office has work)."""
    return list(
        User.objects.filter(organization_id=organization_id, role=Role.OFFICE, is_active=True).order_by("id")
    )


def first_office_user(organization_code: str) -> User | None:
    """The organisation's first active office login (the oldest), for a command that acts for the office."""
    return (
        User.objects.filter(organization__code=organization_code, role=Role.OFFICE, is_active=True)
        .select_related("organization")
        .order_by("id")
        .first()
    )
