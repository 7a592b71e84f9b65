"""The follow-up loop on a locality's page (its profile, org.UnitDetail through
core.registry.register_record_panel): the directives for it by status bucket with the open ones nearest their
deadline, its open obstacles, and the latest re-supervision verdicts, as the user may see them; a fixed number
of queries."""

from django.db.models import Count, Q
from django.utils import timezone

from followup import selectors
from followup.badges import badges
from followup.choices import OPEN_OBSTACLE_STATUSES, StatusBucket

LATEST = 5


def unit_panel_context(request, unit) -> dict:
    user, today = request.user, timezone.localdate()
    directives = selectors.directive_list(user=user, today=today).filter(locality=unit)
    counts = directives.aggregate(
        open=Count("pk", filter=Q(closed_on__isnull=True, completed_on__isnull=True)),
        overdue=Count("pk", filter=Q(status_bucket=StatusBucket.OVERDUE)),
        total=Count("pk"),
    )
    open_directives = (
        directives.prefetch_related(None)
        .filter(closed_on__isnull=True, completed_on__isnull=True)
        .order_by("deadline", "id")[:LATEST]
    )
    obstacles = selectors.obstacle_list(user=user, today=today).filter(
        locality=unit, status__in=OPEN_OBSTACLE_STATUSES
    )
    checks = (
        selectors.resupervision_list(user=user)
        .filter(locality=unit)
        .exclude(verdict="")
        .order_by("-recorded_at", "-id")[:LATEST]
    )
    return {
        **badges(),
        "unit": unit,
        "counts": counts,
        "directives": list(open_directives),
        "obstacles": list(obstacles.order_by("deadline", "id")[:LATEST]),
        "obstacle_count": obstacles.count(),
        "checks": list(checks),
    }
