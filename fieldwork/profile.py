"""Field work on a locality's page (its profile, org.UnitDetail through core.registry.register_record_panel):
the leaders' visits there, the latest first, and the latest opinions heard there, as the user may see them;
a fixed number of queries."""

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.registry import health_reading
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


RECENT_DAYS, LATE_DAYS = 90, 180


def health_factor(*, user, unit, now):
    """The field-work factor of a locality's health (core.registry.register_health_factor): a leader's visit
    carried out there in the last 90 days counts whole, in the last 180 days half, none nothing."""
    here = Visit.localities.through.objects.filter(administrativeunit_id=unit.pk).values("visit_id")
    last = (
        visit_list(user=user)
        .filter(pk__in=here, status=VisitStatus.CARRIED_OUT, starts_at__lte=now)
        .aggregate(last=Max("starts_at"))["last"]
    )
    url = f"{reverse('fieldwork:visit_list')}?locality={unit.pk}"
    if last is None:
        return health_reading(good=0, whole=1, detail=_("No leader's visit recorded"), counts={}, url=url)
    days = (now - last).days
    good = 2 if days <= RECENT_DAYS else 1 if days <= LATE_DAYS else 0
    day = date_format(timezone.localtime(last), "SHORT_DATE_FORMAT")
    detail = _("The last visit on {day}, {days} days ago")
    return health_reading(good=good, whole=2, detail=detail, counts={"day": day, "days": days}, url=url)
