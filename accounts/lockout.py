"""What a locked-out sign-in gets: the lockout page for people, a JSON error for the API."""

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def locked_message() -> str:
    return _("Too many failed sign-in attempts: the account is locked for a while.")


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: HTTP 429, as JSON under /api/ and as the lockout page elsewhere."""
    cool_off = get_cool_off(request)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": locked_message()}, status=429)
    else:
        context = {"failure_limit": get_failure_limit(request, credentials), "cooloff_timedelta": cool_off}
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
