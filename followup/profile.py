"""The follow-up loop on a locality's page (its profile, org.UnitDetail through
core.registry.register_record_panel): the directives for it by status bucket with the open ones nearest their
deadline, its open obstacles, and the latest re-supervision verdicts, as the user may see them; a fixed number
of queries."""

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.registry import health_reading
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


HEALTH_DAYS = 365


def directives_health(*, user, unit, now):
    """The directives factor of a locality's health (core.registry.register_health_factor): of the
    directives for it still open and those reported done in the last 365 days, the share neither overdue
    nor done late; None when there is none."""
    today = timezone.localdate(now)
    since = today - dt.timedelta(days=HEALTH_DAYS)
    directives = selectors.directive_list(user=user, today=today).filter(locality=unit)
    counts = directives.filter(
        Q(completed_on__isnull=True, closed_on__isnull=True) | Q(completed_on__gte=since)
    ).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(status_bucket=StatusBucket.OVERDUE)),
        late=Count("pk", filter=Q(status_bucket=StatusBucket.DONE_LATE)),
    )
    return health_reading(
        good=counts["total"] - counts["overdue"] - counts["late"],
        whole=counts["total"],
        detail=_("{overdue} overdue and {late} done late, of {total} directives open or done in 12 months"),
        counts=counts,
        url=f"{reverse('followup:directive_list')}?locality={unit.pk}",
    )


def obstacles_health(*, user, unit, now):
    """The obstacles factor: of the obstacles open there now, the share within their deadlines; None when
    none is open."""
    today = timezone.localdate(now)
    counts = (
        selectors.obstacle_list(user=user, today=today)
        .filter(locality=unit, status__in=OPEN_OBSTACLE_STATUSES)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(is_overdue=1)))
    )
    return health_reading(
        good=counts["open"] - counts["overdue"],
        whole=counts["open"],
        detail=_("{overdue} of {open} open obstacles past their deadlines"),
        counts=counts,
        url=f"{reverse('followup:obstacle_list')}?locality={unit.pk}",
    )
