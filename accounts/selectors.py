"""Reads of accounts."""

from django.http import Http404

from accounts.models import ApiToken


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
