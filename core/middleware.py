"""A database outage answers with a clean 503 page (or JSON for the API), never a traceback."""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = "5"
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response(request) -> HttpResponse:
    """HTTP 503 with Retry-After: JSON {"detail": ...} under /api/, the plain 503 page elsewhere."""
    message = _("The database is not available right now. Try again in a moment.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        # No request context: context processors may need the database that just failed.
        response = HttpResponse(render_to_string("errors/503.html", {"message": message}), status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


class DatabaseUnavailableMiddleware:
    """Turn a lost or refused database connection raised by a view into HTTP 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            return database_unavailable_response(request)
        return None
