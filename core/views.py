"""Shared pages: home, health checks, a record's history, and the error pages."""

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.scoping import visible
from core import audit
from core.listing import paginate


@login_required
def home(request):
    """The user's home: their organisation, and what they answer for."""
    from org.selectors import assignment_list, committee_for

    user = request.user
    person = getattr(user, "person", None)
    mine = []
    if person is not None:
        from django.utils import timezone

        mine = list(assignment_list(user=user, leader=person.pk, on=timezone.localdate())[:50])
    return render(
        request, "core/home.html", {"committee": committee_for(user), "person": person, "mine": mine}
    )


@never_cache
def healthz(request):
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Readiness: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


@login_required
def history(request, ct: int, pk: str):
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
        {"object": instance, "page": page, "events": audit.present(page.object_list)},
    )


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)
