"""The signed-in user of a request, loaded once; users who must use two-factor sign-in reach nothing but the
two-factor pages until they pass it."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.http import urlencode

from accounts.selectors import needs_two_factor

_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/", "/healthz", "/readyz", "/api/")


def loaded_user(user):
    """The user a lazy `request.user` stands for, loaded by its own loaders: Django's `auth.get_user` (the
    session's user, who must be active, and whose password hash must still match the session's, or the
    session is flushed and the user is anonymous), then django-otp's (the device that verified them)."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class LoadedUserMiddleware:
    """Replace the lazy `request.user` with the user it loads, placed just after django-otp's middleware.

    Every page reads the user (the two-factor rule, the scoping, the menu, the permission predicates): a
    few hundred attribute reads per page, each through two lazy proxies (Django's, then django-otp's around
    it), each raising and catching an AttributeError. Loading it here runs the same code that the first
    read would have run, with the same checks, only at a known moment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None:
            request.user = loaded_user(user)
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Send a signed-in user who must use a second factor, and has not passed it, to set it up or verify."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and needs_two_factor(user)
            and not user.is_verified()
        ):
            # Encoded, so that a query string of the page asked for survives the round trip.
            return redirect(
                reverse("accounts:two_factor") + "?" + urlencode({"next": request.get_full_path()})
            )
        return self.get_response(request)
