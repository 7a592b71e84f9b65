"""The health checks, answered before anything that reads the database for the request.

`/healthz` (liveness) and `/readyz` (readiness) are served by this middleware, first in the list: before the
session and the signed-in user are loaded from the database. A probe that sends a session cookie while the
database is down still gets the health answer (healthz 200, readyz 503 with Retry-After), never the 503
page that a failed session load would give. The URL conf names the same views, for `reverse()` and for a
project that leaves this middleware out.
"""


class HealthCheckMiddleware:
    def __init__(self, get_response):
        from core.views import healthz, readyz

        self.get_response = get_response
        self.views = {"/healthz": healthz, "/readyz": readyz}

    def __call__(self, request):
        view = self.views.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
