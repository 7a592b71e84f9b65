"""A database outage answers with a clean 503 page (or JSON for the API), never a traceback."""

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        message = _("The database is not available right now. Try again in a moment.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=503)
        response = render(request, "errors/503.html", {"message": message}, status=503)
        response["Retry-After"] = "5"
        return response
