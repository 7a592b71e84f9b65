"""The incidents on a locality's page (its profile, org.UnitDetail, through register_record_panel):
how many are open and overdue, the last twelve months month by month, and the latest ones, as the user may
see them; a fixed number of queries."""

import datetime as dt

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.registry import health_reading
from incidents import selectors
from incidents.choices import OPEN_STATUSES, IncidentStatus

LATEST = 5
MONTHS = 12
TREND_HEIGHT = 48


def month_starts(today: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The first days of the last `count` months, the running one last."""
    year, month = today.year, today.month
    starts = []
    for _index in range(count):
        starts.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def unit_panel_context(request, unit) -> dict:
    now = timezone.now()
    incidents = selectors.incident_list(user=request.user).filter(locality=unit)
    counts = incidents.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=selectors.overdue(now)),
        total=Count("pk"),
    )
    months = month_starts(timezone.localdate(now))
    first = timezone.make_aware(dt.datetime.combine(months[0], dt.time()))
    by_month = dict(
        incidents.filter(reported_at__gte=first)
        .annotate(month=TruncMonth("reported_at"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    by_month = {(m.date() if isinstance(m, dt.datetime) else m): n for m, n in by_month.items()}
    trend = [(month, by_month.get(month, 0)) for month in months]
    peak = max((n for _m, n in trend), default=0) or 1
    # Bars of an inline SVG, 10 wide on a 120 × 48 canvas (the page's policy allows no inline style).
    bars = []
    for index, (month, n) in enumerate(trend):
        height = max(round(n * TREND_HEIGHT / peak), 1)
        bars.append(
            {"month": month, "n": n, "x": index * 10 + 1, "y": TREND_HEIGHT - height, "height": height}
        )
    from incidents.views import STATUS_COLOURS

    return {
        "status_labels": dict(IncidentStatus.choices),
        "status_colours": STATUS_COLOURS,
        "unit": unit,
        "counts": counts,
        "trend": bars,
        "latest": list(incidents.order_by("-reported_at", "-pk")[:LATEST]),
    }


HEALTH_DAYS = 365


def health_factor(*, user, unit, now):
    """The incidents factor of a locality's health (core.registry.register_health_factor): of the incidents
    resolved there in the last 365 days and those open now, the share resolved on time or still within
    their deadlines; None when there is neither."""
    since = now - dt.timedelta(days=HEALTH_DAYS)
    incidents = selectors.incident_list(user=user).filter(locality=unit)
    closed = Q(resolved_at__gte=since) & ~Q(status__in=OPEN_STATUSES)  # a reopened one counts as open
    counts = incidents.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=selectors.overdue(now)),
        resolved=Count("pk", filter=closed),
        on_time=Count("pk", filter=closed & Q(resolved_at__lte=F("resolve_due_at"))),
    )
    return health_reading(
        good=counts["on_time"] + counts["open"] - counts["overdue"],
        whole=counts["open"] + counts["resolved"],
        detail=_("{on_time} of {resolved} resolved on time in 12 months; {overdue} of {open} open overdue"),
        counts=counts,
        url=f"{reverse('incidents:list')}?locality={unit.pk}",
    )
