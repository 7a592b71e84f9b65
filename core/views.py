"""Shared pages: home, health checks, a record's history, and the error pages."""

import sys

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core import audit
from core.listing import paginate
from core.middleware import RETRY_AFTER_SECONDS, database_unavailable_response
from core.registry import actions_for, home_panels
from core.scoping import visible


@require_safe
@login_required
def home(request):
    """The user's home: their organisation, and the panels the apps register (`core.registry`)."""
    organization_model = apps.get_model(settings.COSO_ORGANIZATION_MODEL)
    base = {"committee": visible(organization_model.objects.all(), request.user).first()}
    return render(request, "core/home.html", {**base, "panels": home_panels(request, base)})


def today_context(request) -> dict:
    """The home's first card: what the user must act on today, from every app."""
    return {"today_items": actions_for(request.user, timezone.now())}


@require_safe
@never_cache
def healthz(request):
    """Liveness: the process answers. Served before the session and the user are loaded (core.health)."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request):
    """Readiness: the database answers (503 with Retry-After when it does not). Served before the session
    and the user are loaded (core.health)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        response = JsonResponse({"status": "unavailable", "database": False}, status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return JsonResponse({"status": "ok", "database": True})


@require_safe
@login_required
def history(request, ct: int, pk: int):
    """The full history of one record the user may see: 404 for missing and for not-yours alike."""
    content_type = ContentType.objects.filter(pk=ct).first()
    model = content_type.model_class() if content_type else None
    if model is None or not hasattr(model, "scope"):
        raise Http404
    instance = visible(model.objects.all(), request.user).filter(pk=pk).first()
    if instance is None:
        raise Http404
    page = paginate(request, audit.history_for(instance))
    return render(
        request,
        "core/history.html",
        {"object": instance, "page": page, "events": audit.timeline(page.object_list, everything=True)},
    )


def error_403(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("You do not have permission to do this.")}, status=403)
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "errors/404.html", status=404)


def error_500(request):
    """A server error; a lost database (even when middleware met it first) is a clean 503."""
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        return database_unavailable_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Something went wrong on the server.")}, status=500)
    # No request context: the context processors may be what failed.
    return HttpResponse(render_to_string("errors/500.html"), status=500)
