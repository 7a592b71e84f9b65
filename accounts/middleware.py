"""Users who must use two-factor sign-in reach nothing but the two-factor pages until they pass it."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.selectors import needs_two_factor

_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/", "/healthz", "/readyz", "/api/")


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
