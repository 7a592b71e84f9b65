"""Field work on a locality's page (its profile, org.UnitDetail through core.registry.register_record_panel):
the leaders' visits there, the latest first, and the latest opinions heard there, as the user may see them;
a fixed number of queries."""

from django.db.models import Count, Q
from django.utils import timezone

from fieldwork.choices import VisitStatus
from fieldwork.models import Visit
from fieldwork.selectors.visits import opinion_list, visit_list

LATEST = 5


def unit_panel_context(request, unit) -> dict:
    user, now = request.user, timezone.now()
    here = Visit.localities.through.objects.filter(administrativeunit_id=unit.pk).values("visit_id")
    visits = visit_list(user=user).filter(pk__in=here)
    counts = visits.aggregate(
        carried_out=Count("pk", filter=Q(status=VisitStatus.CARRIED_OUT)),
        planned=Count("pk", filter=Q(status=VisitStatus.PLANNED, starts_at__gte=now)),
    )
    return {
        "unit": unit,
        "counts": counts,
        "visits": list(visits.prefetch_related(None).order_by("-starts_at", "-pk")[:LATEST]),
        "opinions": list(opinion_list(user=user).filter(locality=unit).order_by("-heard_on", "-pk")[:LATEST]),
    }
