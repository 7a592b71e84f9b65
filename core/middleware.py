"""A database outage answers with a clean 503 page (or JSON for the API), an integrity race (two people
saving the same unique thing at once) with a clean 409: never a traceback. A session in use is renewed
without being written on every request."""

from django.db import IntegrityError, InterfaceError, OperationalError
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


def integrity_conflict_message() -> str:
    return _(
        "Someone else saved a conflicting change at the same moment, so nothing was saved. "
        "Reload the page and try again."
    )


def integrity_conflict_response(request) -> HttpResponse:
    """HTTP 409: JSON {"detail": ...} under /api/, the plain conflict page elsewhere."""
    message = integrity_conflict_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=409)
    return HttpResponse(render_to_string("errors/409.html", {"message": message}), status=409)


class DatabaseUnavailableMiddleware:
    """Turn a lost or refused database connection raised by a view into HTTP 503, and an integrity race
    (a unique constraint that a concurrent save won) into HTTP 409."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            return database_unavailable_response(request)
        if isinstance(exception, IntegrityError):
            return integrity_conflict_response(request)
        return None


class SessionRenewalMiddleware:
    """Push a session's expiry back when it is due (core.sessions), instead of writing it on every request.

    Placed just after Django's SessionMiddleware, which saves the session on the way out when it is marked
    modified; a session nobody loaded, or loaded from another store, is left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        due = getattr(session, "due_for_renewal", None)
        if due is not None and not session.modified and due():
            session.modified = True
        return response
